package dev.pier.edge.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@link java.net.http.WebSocket} client (a peer nobody on the team wrote), with a
 * listener that records every event as a line: {@code text:...}, {@code binary:N},
 * {@code ping:...}, {@code pong:...}, {@code close:CODE REASON}, {@code error:...}.
 * Binary messages are kept whole in {@link #binaries}.
 */
public final class WsClient implements WebSocket.Listener {

    public final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    public final BlockingQueue<ByteBuffer> binaries = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);
    public WebSocket socket;

    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static WsClient connect(String url, String... subprotocols) throws Exception {
        WsClient client = new WsClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.socket = builder.buildAsync(URI.create(url), client).get(15, TimeUnit.SECONDS);
        return client;
    }

    /** The next event, waiting up to 15 s. */
    public String next() throws InterruptedException {
        return next(Duration.ofSeconds(15));
    }

    /** The next event, waiting up to {@code wait}. */
    public String next(Duration wait) throws InterruptedException {
        String event = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no WebSocket event within " + wait.toSeconds() + " s");
        }
        return event;
    }

    public ByteBuffer nextBinary() throws InterruptedException {
        return nextBinary(Duration.ofSeconds(15));
    }

    /** The next event, which must be a binary message, waiting up to {@code wait}. */
    public ByteBuffer nextBinary(Duration wait) throws InterruptedException {
        next(wait);
        ByteBuffer data = binaries.poll(1, TimeUnit.SECONDS);
        if (data == null) {
            throw new AssertionError("no binary message");
        }
        return data;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            events.add("text:" + text);
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer grown = ByteBuffer.allocate(binary.remaining() + data.remaining());
        grown.put(binary).put(data).flip();
        binary = grown;
        if (last) {
            binaries.add(binary);
            events.add("binary:" + binary.remaining());
            binary = ByteBuffer.allocate(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        events.add("ping:" + java.nio.charset.StandardCharsets.UTF_8.decode(message));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        events.add("pong:" + java.nio.charset.StandardCharsets.UTF_8.decode(message));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add("close:" + statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add("error:" + error);
    }
}
