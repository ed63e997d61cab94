package dev.pier.edge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
            int adminPort = old.edge.adminAddress().getPort();
            String yaml = anyPort.replace("127.0.0.1:0\nadmin:\n  address: 127.0.0.1:0",
                    "127.0.0.1:" + port + "\nadmin:\n  address: 127.0.0.1:" + adminPort);
            assertThat(yaml).contains("address: 127.0.0.1:" + adminPort);
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<Integer>> running = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                running.add(chatter(WsClient.connect(old.ws("/echo")), stop));
            }
            Thread.sleep(300);
            try (TestEdge next = TestEdge.fromYaml(yaml)) {
                assertThat(next.port()).as("the new edge listens on the old one's port").isEqualTo(port);
                assertThat(next.edge.adminAddress().getPort()).as("and on its admin port").isEqualTo(adminPort);
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
                // the admin port is the new edge's alone now: its metrics count the new edge's upgrades
                HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.body()).containsPattern("pier_websocket_upgrades_total\\{[^}]*zone=\"localhost\"[^}]*} 5");
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

    /**
     * A new edge that cannot have one of its ports (here the admin port, held by a program that
     * does not share it) fails before it listens anywhere: the old edge, hammered with new
     * connections meanwhile, answers every one of them, and none is reset by a listener that
     * lived for an instant.
     */
    @Test
    void aNewEdgeThatCannotHaveEveryPortFailsBeforeListening() throws Exception {
        try (JettyOrigin origin = new JettyOrigin();
                java.net.ServerSocket foreign = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String anyPort = TestEdge.zoneYaml("localhost", origin.port(), "");
            try (TestEdge old = TestEdge.fromYaml(anyPort)) {
                int port = old.port();
                String yaml = anyPort.replace("127.0.0.1:0\nadmin:\n  address: 127.0.0.1:0",
                        "127.0.0.1:" + port + "\nadmin:\n  address: 127.0.0.1:" + foreign.getLocalPort());
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Integer> hammer = CompletableFuture.supplyAsync(() -> {
                    int answered = 0;
                    while (!stop.get()) {
                        // a connection of its own each time: each is a chance to land on a listener of the new edge
                        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                            assertThat(response).startsWith("HTTP/1.1 200");
                            answered++;
                        } catch (java.io.IOException e) {
                            throw new AssertionError("a new connection to the old edge failed: " + e, e);
                        }
                    }
                    return answered;
                }, CHATTERS);
                Thread.sleep(200);
                for (int i = 0; i < 20; i++) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestEdge.fromYaml(yaml))
                            .hasMessageContaining("127.0.0.1:" + foreign.getLocalPort() + " cannot be bound")
                            .hasMessageContaining("nothing was started");
                }
                stop.set(true);
                assertThat(hammer.get(20, TimeUnit.SECONDS)).isPositive();
                assertThat(old.edge.listening()).isTrue();
            }
        }
    }
}
