package dev.pier.rules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed fields an expression may use, each with the slot it has in a {@link Context}.
 * Built once and shared; expressions parsed against it are checked against its types.
 */
public final class Scheme {

    /** A field: its name, type and slot. */
    public record Field(String name, Type type, int index) {
    }

    private final Map<String, Field> fields;

    private Scheme(Map<String, Field> fields) {
        this.fields = Map.copyOf(fields);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The field of that name, or null. */
    public Field field(String name) {
        return fields.get(name);
    }

    public int size() {
        return fields.size();
    }

    /** Fields in the order they were added. */
    public static final class Builder {
        private final Map<String, Field> fields = new LinkedHashMap<>();

        public Builder field(String name, Type type) {
            if (fields.containsKey(name)) {
                throw new IllegalArgumentException("field: " + name + " (expected: a name not defined yet)");
            }
            fields.put(name, new Field(name, type, fields.size()));
            return this;
        }

        public Scheme build() {
            return new Scheme(fields);
        }
    }
}
