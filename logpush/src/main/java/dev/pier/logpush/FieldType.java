package dev.pier.logpush;

/** How a dataset field's value is typed, in the words of Cloudflare's dataset pages. */
public enum FieldType {
    STRING("string"),
    INT("int"),
    BOOL("bool"),
    /** An {@link java.time.Instant}, written as {@code timestamp_format} says. */
    TIMESTAMP("int or string"),
    STRING_ARRAY("array[string]");

    private final String cloudflareName;

    FieldType(String cloudflareName) {
        this.cloudflareName = cloudflareName;
    }

    /** The type as Cloudflare's dataset pages write it. */
    public String cloudflareName() {
        return cloudflareName;
    }
}
