package dev.pier.cli.wscat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Drives the listener the way the JDK does, with messages split into fragments at chosen points,
 * which a live server cannot be made to do reliably.
 */
class WscatListenerTest {

    private final StringWriter out = new StringWriter();
    private final AtomicLong requested = new AtomicLong();
    private final WebSocket webSocket = stubWebSocket();

    @Test
    void textFragmentsArePrintedAsOneMessage() {
        WscatListener listener = new WscatListener(new PrintWriter(out), "< ", false);

        listener.onText(webSocket, "hel", false);
        listener.onText(webSocket, "lo ", false);
        assertThat(out.toString()).isEmpty();
        listener.onText(webSocket, "world", true);
        listener.onText(webSocket, "next", true);

        assertThat(out.toString().lines()).containsExactly("< hello world", "< next");
        assertThat(requested).hasValue(4);
    }

    @Test
    void binaryMessagesArePrintedAsTheirTotalSize() {
        WscatListener listener = new WscatListener(new PrintWriter(out), "< ", false);

        listener.onBinary(webSocket, ByteBuffer.allocate(1000), false);
        listener.onBinary(webSocket, ByteBuffer.allocate(24), true);
        listener.onBinary(webSocket, ByteBuffer.allocate(3), true);

        assertThat(out.toString().lines()).containsExactly("< [binary 1024 bytes]", "< [binary 3 bytes]");
        assertThat(requested).hasValue(3);
    }

    @Test
    void pingsAndPongsArePrintedOnlyWhenAskedFor() {
        WscatListener quiet = new WscatListener(new PrintWriter(out), "< ", false);
        quiet.onPing(webSocket, utf8("a"));
        quiet.onPong(webSocket, utf8("b"));
        assertThat(out.toString()).isEmpty();

        WscatListener shown = new WscatListener(new PrintWriter(out), "", true);
        shown.onPing(webSocket, utf8("a"));
        shown.onPong(webSocket, utf8("b"));

        assertThat(out.toString().lines())
                .containsExactly("Received ping (data: \"a\")", "Received pong (data: \"b\")");
        assertThat(requested).hasValue(4);
    }

    @Test
    void closeIsAnsweredThenReported() {
        WscatListener listener = new WscatListener(new PrintWriter(out), "< ", false);

        listener.onClose(webSocket, 4001, "going away");

        assertThat(listener.closed()).isCompletedWithValue(new WscatListener.Closure(4001, "going away"));
    }

    @Test
    void aSendFailingAfterTheServersCloseDoesNotHideTheClose() {
        WscatListener listener = new WscatListener(new PrintWriter(out), "< ", false);

        listener.onClose(webSocket, 1001, "");
        listener.fail(new IOException("Output closed"));

        assertThat(listener.closed()).isCompletedWithValue(new WscatListener.Closure(1001, ""));
    }

    @Test
    void errorEndsTheSessionExceptionally() {
        WscatListener listener = new WscatListener(new PrintWriter(out), "< ", false);

        listener.onError(webSocket, new IOException("reset"));

        assertThat(listener.closed()).isCompletedExceptionally();
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Counts request(n) calls and completes every send at once; nothing else is needed here. */
    private WebSocket stubWebSocket() {
        return (WebSocket) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {WebSocket.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "request" -> {
                        requested.addAndGet((Long) args[0]);
                        yield null;
                    }
                    case "sendClose" -> CompletableFuture.completedFuture(proxy);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
