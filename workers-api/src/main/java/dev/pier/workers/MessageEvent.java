package dev.pier.workers;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A message a WebSocket received: text or binary, as it came. */
public final class MessageEvent {

    private final Object data;

    MessageEvent(Object data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    /** True for a text message, false for a binary one. */
    public boolean isText() {
        return data instanceof String;
    }

    /** The message as text (a binary message decoded as UTF-8). */
    public String text() {
        return data instanceof String s ? s : new String((byte[]) data, StandardCharsets.UTF_8);
    }

    /** The message's bytes (a text message encoded as UTF-8). */
    public byte[] bytes() {
        return data instanceof byte[] b ? b : ((String) data).getBytes(StandardCharsets.UTF_8);
    }

    /** The data as it came: a {@code String} or a {@code byte[]}. */
    public Object data() {
        return data;
    }
}
