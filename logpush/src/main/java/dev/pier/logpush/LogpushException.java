package dev.pier.logpush;

/**
 * A Logpush setting that cannot be used: names the setting ({@link #field()}, such as
 * {@code filter} or {@code output_options.field_names}) and says what was expected.
 */
public final class LogpushException extends IllegalArgumentException {

    private final String field;

    public LogpushException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The setting at fault, as the API names it. */
    public String field() {
        return field;
    }
}
