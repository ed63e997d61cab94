package dev.pier.workers;

import java.net.URI;
import java.util.Objects;

/**
 * An HTTP request, as a Worker's {@code fetch} receives it and as it passes one on: method,
 * absolute URL, headers and the body. The body of a request the edge hands to a Worker is whole,
 * already all in (the edge buffers it, up to the Worker's body limit), unless the Worker
 * {@linkplain Worker#streamsRequestBodies() takes bodies as they arrive}: then it is a
 * {@link #stream()} the edge writes as the client sends. A request passed on to {@link Fetch} may
 * have either kind; a stream goes out chunked, as it is written.
 */
public final class Request extends Body {

    private final String method;
    private final String url;
    private final RequestCf cf;

    /**
     * @param method  an HTTP method, e.g. {@code GET}
     * @param url     the absolute URL, e.g. {@code https://chat.example.com/room/lobby}
     * @param headers the headers (kept, not copied)
     * @param body    the body; empty for none
     */
    public Request(String method, String url, Headers headers, byte[] body) {
        this(method, url, headers, body, null, null);
    }

    /**
     * A request the edge received from a client.
     *
     * @param cf what the edge knows of the client's connection (Cloudflare's {@code request.cf}); null for none
     */
    public Request(String method, String url, Headers headers, byte[] body, RequestCf cf) {
        this(method, url, headers, body, null, cf);
    }

    /**
     * A request whose body comes as it is written: {@link #bytes()} is empty, {@link #stream()} is
     * {@code body}.
     */
    public static Request streamed(String method, String url, Headers headers, BodyStream body) {
        return streamed(method, url, headers, body, null);
    }

    /** A request the edge received from a client, its body coming as the client sends it; {@code cf} as above. */
    public static Request streamed(String method, String url, Headers headers, BodyStream body, RequestCf cf) {
        return new Request(method, url, headers, null, Objects.requireNonNull(body, "body"), cf);
    }

    private Request(String method, String url, Headers headers, byte[] bytes, BodyStream stream, RequestCf cf) {
        super(headers, bytes, stream);
        this.cf = cf;
        this.method = Objects.requireNonNull(method, "method");
        this.url = Objects.requireNonNull(url, "url");
        if (!URI.create(url).isAbsolute()) {
            throw new IllegalArgumentException("url: " + url + " (expected: an absolute URL)");
        }
    }

    /** A GET for {@code url}, without headers. */
    public static Request get(String url) {
        return new Request("GET", url, new Headers(), null);
    }

    public String method() {
        return method;
    }

    public String url() {
        return url;
    }

    /** What the edge knows of the client's connection (Cloudflare's {@code request.cf}); null for a request no client sent. */
    public RequestCf cf() {
        return cf;
    }

    /** The URL's path, e.g. {@code /room/lobby}. */
    public String path() {
        String path = URI.create(url).getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** Whether this request asks for a WebSocket ({@code Upgrade: websocket}). */
    public boolean isWebSocketUpgrade() {
        String upgrade = headers().get("upgrade");
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    @Override
    public String toString() {
        return method + " " + url;
    }
}
