package dev.pier.workers;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a {@link Request} and a {@link Response} share, as the Fetch standard's {@code Body}:
 * headers and a body, either whole ({@link #bytes()}) or a {@link BodyStream} that comes as it is
 * written ({@link #stream()}, and then {@link #bytes()} is empty).
 */
public abstract sealed class Body permits Request, Response {

    private static final byte[] NONE = new byte[0];

    private final Headers headers;
    private final byte[] body;
    private final BodyStream stream;

    Body(Headers headers, byte[] body, BodyStream stream) {
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body == null ? NONE : body;
        this.stream = stream;
    }

    public final Headers headers() {
        return headers;
    }

    /** The body's bytes (not a copy); empty for none, and for a body that is a {@link #stream()}. */
    public final byte[] bytes() {
        return body;
    }

    /** The body as UTF-8 text (empty for a body that is a {@link #stream()}). */
    public final String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as it comes, or null when it is whole ({@link #bytes()}). */
    public final BodyStream stream() {
        return stream;
    }
}
