package dev.pier.edge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGTERM: WebSockets get 1001 on both sides, HTTP requests in flight finish, nothing new is accepted. */
class GracefulShutdownTest {

    @Test
    void openWebSocketsGet1001OnBothSidesAfterEverythingSentBefore() throws Exception {
        try (JettyOrigin origin = new JettyOrigin()) {
            TestEdge edge = TestEdge.toOrigin(origin.port());
            int port = edge.port();
            List<WsClient> clients = List.of(WsClient.connect(edge.ws("/echo")), WsClient.connect(edge.ws("/echo")));
            for (WsClient client : clients) {
                for (int i = 0; i < 100; i++) {
                    client.socket.sendText("m" + i, true).join();
                }
            }
            for (WsClient client : clients) {
                for (int i = 0; i < 100; i++) {
                    assertThat(client.next()).isEqualTo("text:m" + i);
                }
            }
            edge.edge.shutdown();
            for (WsClient client : clients) {
                assertThat(client.next()).isEqualTo("close:1001 edge is restarting");
            }
            assertThat(List.of(origin.closes.poll(10, TimeUnit.SECONDS), origin.closes.poll(10, TimeUnit.SECONDS)))
                    .containsOnly("1001 edge is restarting");
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
            assertThat(edge.drainLogs(java.time.Duration.ZERO)).hasSize(2)
                    .allSatisfy(log -> assertThat(log.webSocketCloseCode()).isEqualTo(1001));
        }
    }

    @Test
    void anHttpRequestInFlightCompletes() throws Exception {
        CountDownLatch headAtOrigin = new CountDownLatch(1);
        try (SilentOrigins.Scripted slow = new SilentOrigins.Scripted((in, out) -> {
            SilentOrigins.readHead(in);
            headAtOrigin.countDown();
            try {
                Thread.sleep(1000);
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nfinished\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(5000);
            } catch (IOException | InterruptedException e) {
                // done
            }
        })) {
            TestEdge edge = TestEdge.toOrigin(slow.port());
            CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = new Socket("127.0.0.1", edge.port())) {
                    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            assertThat(headAtOrigin.await(10, TimeUnit.SECONDS)).as("the request reached the origin").isTrue();
            edge.edge.shutdown();
            assertThat(response.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
                    .endsWith("finished\n");
        }
    }
}
