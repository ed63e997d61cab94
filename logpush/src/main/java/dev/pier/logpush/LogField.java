package dev.pier.logpush;

import dev.pier.analytics.RequestLog;
import java.util.function.Function;

/**
 * One field of a dataset: its Cloudflare name, type and description, and how its value is read
 * from a request log. A value is an {@link Integer} or {@link Long} for {@link FieldType#INT}, a
 * {@link Boolean}, a {@link String}, an {@link java.time.Instant} or a {@code List<String>};
 * null when the record does not carry the field.
 */
public record LogField(String name, FieldType type, String description, Function<RequestLog, Object> reader) {

    /** The field's value in {@code log}, or null. */
    public Object value(RequestLog log) {
        return reader.apply(log);
    }
}
