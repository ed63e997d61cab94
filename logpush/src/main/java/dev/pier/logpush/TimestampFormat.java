package dev.pier.logpush;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** How timestamps are written: Cloudflare's {@code timestamp_format}. */
public enum TimestampFormat {
    /** Nanoseconds since the epoch, a number (Cloudflare's API default). */
    UNIXNANO("unixnano"),
    /** Seconds since the epoch, a number. */
    UNIX("unix"),
    /** RFC 3339 in UTC to the second, a string: {@code 2026-05-01T12:00:00Z}. */
    RFC3339("rfc3339");

    private final String id;

    TimestampFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The format named {@code id}; {@code field} names the setting in the error. */
    public static TimestampFormat of(String field, String id) {
        for (TimestampFormat f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new LogpushException(field, id + " (expected: unixnano, unix or rfc3339)");
    }

    /** True when the timestamp is written as a number, false when as a string. */
    public boolean numeric() {
        return this != RFC3339;
    }

    /** The timestamp as written (digits, or the RFC 3339 text without quotes). */
    public String format(Instant instant) {
        return switch (this) {
            case UNIXNANO -> Long.toString(instant.getEpochSecond() * 1_000_000_000L + instant.getNano());
            case UNIX -> Long.toString(instant.getEpochSecond());
            case RFC3339 -> DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
        };
    }
}
