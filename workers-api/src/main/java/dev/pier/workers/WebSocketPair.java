package dev.pier.workers;

/**
 * Two connected WebSockets, as Cloudflare's {@code new WebSocketPair()}: what one end sends, the
 * other receives. A Worker keeps the {@link #server()} end, calls {@link WebSocket#accept()} on
 * it, and returns the {@link #client()} end in a 101 {@link Response#webSocket(WebSocket)}; the
 * edge connects that end to the client.
 */
public final class WebSocketPair {

    private final WebSocket client;
    private final WebSocket server;

    public WebSocketPair() {
        client = new WebSocket();
        server = new WebSocket();
        client.pairWith(server);
    }

    /** The end the Worker returns in its response (JavaScript's {@code pair[0]}). */
    public WebSocket client() {
        return client;
    }

    /** The end the Worker keeps (JavaScript's {@code pair[1]}). */
    public WebSocket server() {
        return server;
    }
}
