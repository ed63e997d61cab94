package dev.pier.workers;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a Worker answers: status, headers and body, or, for status 101, the client end of a
 * {@link WebSocketPair} that the edge connects to the client. What a {@link Fetch#fetch(Request)
 * fetch} answers too: for an upgrade the origin accepted, a 101 whose {@link #webSocket()} is the
 * Worker's end of the WebSocket to the origin.
 */
public final class Response extends Body {

    private final int status;
    private final String statusText;
    private final WebSocket webSocket;

    /**
     * @param body       the body; empty for none
     * @param status     200 to 599, or 101 with {@code webSocket}
     * @param statusText the reason phrase; null for the status's usual one
     * @param headers    the headers (kept, not copied)
     * @param webSocket  for 101: the client end of a pair, which the edge connects to the client; otherwise null
     */
    public Response(byte[] body, int status, String statusText, Headers headers, WebSocket webSocket) {
        super(headers, body, null);
        if (webSocket != null ? status != 101 : status < 200 || status > 599) {
            throw new IllegalArgumentException("status: " + status + (webSocket != null
                    ? " (expected: 101 with a WebSocket)" : " (expected: 200 to 599, or 101 with a WebSocket)"));
        }
        this.status = status;
        this.statusText = statusText;
        this.webSocket = webSocket;
    }

    /**
     * A response whose body the Worker writes as it goes: the edge sends the head at once, then
     * each chunk as it is written ({@link #bytes()} is empty; read {@link #stream()}).
     *
     * @param status 200 to 599
     */
    public Response(BodyStream stream, int status, String statusText, Headers headers) {
        super(headers, null, Objects.requireNonNull(stream, "stream"));
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200 to 599 with a body stream)");
        }
        this.status = status;
        this.statusText = statusText;
        this.webSocket = null;
    }

    public Response(byte[] body, int status, Headers headers) {
        this(body, status, null, headers, null);
    }

    /** A 200 with a UTF-8 text body. */
    public Response(String body) {
        this(body.getBytes(StandardCharsets.UTF_8), 200, Headers.of("content-type", "text/plain;charset=UTF-8"));
    }

    /** A text response with another status. */
    public static Response text(int status, String body) {
        return new Response(body.getBytes(StandardCharsets.UTF_8), status, Headers.of("content-type", "text/plain;charset=UTF-8"));
    }

    /** A 101 that hands {@code client} (the client end of a pair) to the edge, which connects it to the client. */
    public static Response webSocket(WebSocket client) {
        return new Response(null, 101, null, new Headers(), Objects.requireNonNull(client, "client"));
    }

    public int status() {
        return status;
    }

    /** The reason phrase given, or null for the status's usual one. */
    public String statusText() {
        return statusText;
    }

    /**
     * For a 101: the client end of a pair (a Worker's answer), or the Worker's end of a WebSocket a
     * fetch opened, to {@link WebSocket#accept() accept()} before use; null otherwise.
     */
    public WebSocket webSocket() {
        return webSocket;
    }
}
