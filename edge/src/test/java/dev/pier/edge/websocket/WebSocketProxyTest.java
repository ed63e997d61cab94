package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Messages pass through the edge unchanged: JDK client → Pier → Jetty origin and back. */
class WebSocketProxyTest extends EdgeWithJettyOrigin {
    @Test
    void textAndBinaryMessagesComeBack() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendText("hello through pier", true).join();
        assertThat(client.next()).isEqualTo("text:hello through pier");

        byte[] data = new byte[1000];
        new Random(1).nextBytes(data);
        client.socket.sendBinary(ByteBuffer.wrap(data), true).join();
        ByteBuffer echoed = client.nextBinary();
        assertThat(toArray(echoed)).isEqualTo(data);
        client.socket.sendClose(1000, "done").join();
        assertThat(client.next()).isEqualTo("close:1000 done");
    }

    @Test
    void fragmentedMessageArrivesWhole() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendText("frag", false).join();
        client.socket.sendText("men", false).join();
        client.socket.sendText("ted", true).join();
        assertThat(client.next()).isEqualTo("text:fragmented");
        client.socket.sendClose(1000, "").join();
        assertThat(client.next()).startsWith("close:1000");
        RequestLog log = awaitWebSocketLog();
        assertThat(log.webSocketClientMessages()).isEqualTo(1); // three frames, one message
        assertThat(log.webSocketOriginMessages()).isEqualTo(1);
    }

    @Test
    void emptyAndSixteenMebibyteMessages() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendText("", true).join();
        assertThat(client.next()).isEqualTo("text:");
        client.socket.sendBinary(ByteBuffer.allocate(0), true).join();
        assertThat(client.nextBinary().remaining()).isZero();

        byte[] big = new byte[16 << 20];
        new Random(2).nextBytes(big);
        client.socket.sendBinary(ByteBuffer.wrap(big), true).join();
        // 16 MiB both ways with the paranoid leak detector tracking every buffer took over 15 s on a loaded 2-core machine
        assertThat(toArray(client.nextBinary(Duration.ofSeconds(90)))).isEqualTo(big);
        client.socket.sendClose(1000, "").join();
        assertThat(client.next()).startsWith("close:1000");
    }

    @Test
    void pingsAndPongsPassThroughBothWays() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendPing(ByteBuffer.wrap("client-ping".getBytes(StandardCharsets.UTF_8))).join();
        assertThat(client.next()).isEqualTo("pong:client-ping"); // Jetty answered, through the edge

        client.socket.sendText("ping", true).join(); // the origin pings the client
        assertThat(client.next()).isEqualTo("ping:origin-ping");
        client.socket.sendClose(1000, "").join();
        assertThat(client.next()).startsWith("close:1000");
    }

    @Test
    void subprotocolIsNegotiatedByClientAndOrigin() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"), "chat", "superchat");
        assertThat(client.socket.getSubprotocol()).isEqualTo("chat");
        client.socket.sendText("headers", true).join();
        String headers = client.next();
        assertThat(headers).contains("sec-websocket-protocol: chat, superchat");
        client.socket.sendClose(1000, "").join();
    }

    @Test
    void originSeesForwardingHeadersAndTheRequestId() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendText("headers", true).join();
        String headers = client.next();
        client.socket.sendClose(1000, "").join();
        assertThat(client.next()).startsWith("close:1000");
        RequestLog log = awaitWebSocketLog();
        assertThat(headers)
                .contains("x-forwarded-for: 127.0.0.1")
                .contains("x-forwarded-proto: http")
                .contains("forwarded: for=127.0.0.1;proto=http;host=\"localhost:" + edge.port() + "\"")
                .contains("pier-ray: " + log.rayId());
    }

    private RequestLog awaitWebSocketLog() throws InterruptedException {
        while (true) {
            RequestLog log = edge.nextLog();
            if (log.webSocket()) {
                return log;
            }
        }
    }

    static byte[] toArray(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
