package dev.pier.workers.runtime.storage;

import java.util.regex.Pattern;

/**
 * One Durable Object: its namespace (the class it is an instance of) and its id. Both become
 * file and schema names, so they are restricted to characters that are safe in either.
 */
public record ObjectRef(String namespace, String objectId) {

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern OBJECT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    public ObjectRef {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace: " + namespace + " (expected: 1 to 128 of A-Z a-z 0-9 _ . -, starting with a letter or digit)");
        }
        if (objectId == null || !OBJECT_ID.matcher(objectId).matches()) {
            throw new IllegalArgumentException("objectId: " + objectId + " (expected: 1 to 128 of A-Z a-z 0-9 _ -, starting with a letter or digit)");
        }
    }

    @Override
    public String toString() {
        return namespace + "/" + objectId;
    }
}
