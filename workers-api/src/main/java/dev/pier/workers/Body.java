package dev.pier.workers;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** What a {@link Request} and a {@link Response} share, as the Fetch standard's {@code Body}: headers and a whole body. */
public abstract sealed class Body permits Request, Response {

    private final Headers headers;
    private final byte[] body;

    Body(Headers headers, byte[] body) {
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body == null ? new byte[0] : body;
    }

    public final Headers headers() {
        return headers;
    }

    /** The body's bytes (not a copy); empty for none. */
    public final byte[] bytes() {
        return body;
    }

    /** The body as UTF-8 text. */
    public final String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
