package dev.pier.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A WebSocket client for takeover tests: sends numbered messages to an echo origin through the
 * edge and checks each echo, in order, until stopped; then closes normally. Its future fails on
 * the first message lost, reordered, duplicated or not echoed within 10 s, and on a close that
 * is not the normal one it asked for; otherwise it holds the number of messages echoed.
 */
final class Chatter {

    private Chatter() {
    }

    static CompletableFuture<Integer> start(HttpClient http, URI uri, AtomicBoolean stop, ExecutorService threads) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, wholeMessages(events)).get(10, TimeUnit.SECONDS);
        return CompletableFuture.supplyAsync(() -> {
            try {
                int n = 0;
                while (!stop.get()) {
                    ws.sendText("n" + n, true).join();
                    String echo = events.poll(10, TimeUnit.SECONDS);
                    if (!("text:n" + n).equals(echo)) {
                        throw new AssertionError(uri + ": message n" + n + " came back as " + echo);
                    }
                    n++;
                    Thread.sleep(5);
                }
                ws.sendClose(1000, "done").join();
                String close = events.poll(10, TimeUnit.SECONDS);
                if (close == null || !close.startsWith("close:1000")) {
                    throw new AssertionError(uri + ": expected a normal close, got " + close);
                }
                return n;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, threads);
    }

    /**
     * Records each text message whole ({@code text:…}) and the close ({@code close:CODE REASON}).
     * A proxy may pass a frame on in several TCP segments, and the JDK client then hands a
     * message over in parts ({@code last} false until the final one): the parts are joined here.
     */
    static WebSocket.Listener wholeMessages(BlockingQueue<String> events) {
        return new WebSocket.Listener() {
            final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    events.add("text:" + message);
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                events.add("close:" + code + " " + reason);
                return null;
            }
        };
    }
}
