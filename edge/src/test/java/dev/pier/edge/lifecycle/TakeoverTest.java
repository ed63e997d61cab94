package dev.pier.edge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A second edge takes over the port (SO_REUSEPORT) while the first drains: open WebSockets keep
 * going on the old edge, new ones land on the new edge, and no message is lost or duplicated.
 */
class TakeoverTest {

    /** Sends numbered messages and checks each echo arrives in order, until told to stop. */
    static CompletableFuture<Integer> chatter(WsClient client, AtomicBoolean stop) {
        return CompletableFuture.supplyAsync(() -> {
            int n = 0;
            try {
                while (!stop.get()) {
                    client.socket.sendText("n" + n, true).join();
                    String echo = client.next();
                    if (!echo.equals("text:n" + n)) {
                        throw new AssertionError("expected echo n" + n + " but got " + echo);
                    }
                    n++;
                    Thread.sleep(5);
                }
                client.socket.sendClose(1000, "done").join();
                String close = client.next();
                if (!close.startsWith("close:1000")) {
                    throw new AssertionError("expected a normal close, got " + close);
                }
                return n;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, CHATTERS);
    }

    /** Threads of their own: the common pool has one worker on two cores and the clients block. */
    static final java.util.concurrent.ExecutorService CHATTERS = java.util.concurrent.Executors.newCachedThreadPool();

    @Test
    void aNewEdgeTakesOverWhileTheOldOneDrains() throws Exception {
        try (JettyOrigin origin = new JettyOrigin()) {
            // The old edge takes any free port and the new one is given the same: a port found
            // free beforehand could be taken by someone else before the old edge bound it.
            String anyPort = TestEdge.zoneYaml("localhost", origin.port(), "");
            TestEdge old = TestEdge.fromYaml(anyPort);
            int port = old.port();
            String yaml = anyPort.replace("127.0.0.1:0\nadmin", "127.0.0.1:" + port + "\nadmin");
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<Integer>> running = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                running.add(chatter(WsClient.connect(old.ws("/echo")), stop));
            }
            Thread.sleep(300);
            try (TestEdge next = TestEdge.fromYaml(yaml)) {
                assertThat(next.port()).as("the new edge listens on the old one's port").isEqualTo(port);
                CompletableFuture<Void> draining = CompletableFuture.runAsync(() -> old.edge.drain(Duration.ofSeconds(20)), CHATTERS);
                while (old.edge.listening()) {
                    Thread.sleep(10);
                }
                // New connections land on the new edge while the old one's keep going.
                for (int i = 0; i < 5; i++) {
                    WsClient fresh = WsClient.connect(next.ws("/echo"));
                    fresh.socket.sendText("fresh", true).join();
                    assertThat(fresh.next()).isEqualTo("text:fresh");
                    fresh.socket.sendClose(1000, "").join();
                }
                assertThat(next.edge.usage().zone("localhost").upgrades()).isEqualTo(5);
                assertThat(old.edge.openConnections()).isEqualTo(5);
                Thread.sleep(500);
                stop.set(true);
                for (CompletableFuture<Integer> chat : running) {
                    assertThat(chat.get(20, TimeUnit.SECONDS)).isPositive(); // every echo in order, none missing
                }
                draining.get(10, TimeUnit.SECONDS); // the old edge is done once its last connection closed
                assertThat(old.edge.usage().zone("localhost").upgrades()).isEqualTo(5);
            }
        }
    }
}
