package dev.pier.cli.wscat;

import java.io.PrintWriter;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Prints what the server sends and reports how the connection ended through {@link #closed()}.
 *
 * <p>The JDK calls a listener's methods one at a time, each call happening-before the next, so
 * the reassembly state needs no locking. Every method asks for exactly one more message, which
 * keeps the JDK from buffering ahead of the terminal.
 */
final class WscatListener implements WebSocket.Listener {

    /** How a connection ended: the status code and reason of the server's Close message. */
    record Closure(int code, String reason) {}

    private final PrintWriter out;
    private final String prefix;
    private final boolean showPingPong;
    private final CompletableFuture<Closure> closed = new CompletableFuture<>();

    /** The text message being reassembled; fragments are only printed once the last one arrives. */
    private final StringBuilder text = new StringBuilder();
    /** The size so far of the binary message being received; its bytes are never printed. */
    private long binaryBytes;
    /** Set before the output is closed in answer to the server, read by senders on other threads. */
    private volatile boolean closeReceived;

    /**
     * @param out where received messages go
     * @param prefix put in front of every printed message ({@code "< "} interactively, nothing
     *        with {@code -x} so replies can be piped straight into another tool)
     * @param showPingPong whether to print received pings and pongs
     */
    WscatListener(PrintWriter out, String prefix, boolean showPingPong) {
        this.out = out;
        this.prefix = prefix;
        this.showPingPong = showPingPong;
    }

    /**
     * Completes when the server's Close message has arrived and has been answered, or
     * exceptionally when the connection broke.
     */
    CompletableFuture<Closure> closed() {
        return closed;
    }

    /**
     * Ends the session with an error found outside the listener, such as a failed send, unless
     * the server's Close has arrived: then the send failed only because {@link #onClose} had
     * already closed the output, and the Close is the outcome to report.
     */
    void fail(Throwable error) {
        if (!closeReceived) {
            closed.completeExceptionally(error);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            print(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        binaryBytes += data.remaining();
        if (last) {
            print("[binary " + binaryBytes + " bytes]");
            binaryBytes = 0;
        }
        webSocket.request(1);
        return null;
    }

    /** The JDK answers pings by itself; this only makes them visible. */
    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        printControl("ping", message);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        printControl("pong", message);
        webSocket.request(1);
        return null;
    }

    /**
     * Answers the Close message before reporting it. The JDK would answer on its own once this
     * method returns, but the command shuts the client down as soon as {@link #closed()}
     * completes, which could cut that automatic answer off. If we sent our Close first, this
     * send fails harmlessly because the output is already closed.
     */
    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReceived = true;
        return webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "")
                .handle((ignored, error) -> closed.complete(new Closure(statusCode, reason)));
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    private void printControl(String kind, ByteBuffer message) {
        if (showPingPong) {
            String data = StandardCharsets.UTF_8.decode(message).toString();
            print("Received " + kind + " (data: \"" + data + "\")");
        }
    }

    /** Flushes each line so the output keeps up with the conversation even through a pipe. */
    private void print(String line) {
        out.println(prefix + line);
        out.flush();
    }
}
