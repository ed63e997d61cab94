package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLog.ClosedBy;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.RawWebSocket;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How WebSocket connections end through the edge: close codes, vanished peers, idle timeout. */
class WebSocketCloseTest extends EdgeWithJettyOrigin {
    @Test
    void clientCloseCodeAndReasonReachTheOriginAndComeBack() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendClose(4001, "client bye").join();
        assertThat(client.next()).isEqualTo("close:4001 client bye");
        assertThat(origin.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("4001 client bye");
        RequestLog log = edge.nextLog();
        assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.client);
        assertThat(log.webSocketCloseCode()).isEqualTo(4001);
    }

    @Test
    void originCloseCodeAndReasonReachTheClient() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendText("close 4002 server bye", true).join();
        assertThat(client.next()).isEqualTo("close:4002 server bye");
        RequestLog log = edge.nextLog();
        assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.origin);
        assertThat(log.webSocketCloseCode()).isEqualTo(4002);
    }

    @Test
    void originDyingMidStreamGivesTheClientA1011Close() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendText("before", true).join();
        assertThat(client.next()).isEqualTo("text:before");
        client.socket.sendText("die", true).join();
        assertThat(client.next()).isEqualTo("close:1011 origin went away");
        RequestLog log = edge.nextLog();
        assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.origin);
        assertThat(log.webSocketCloseCode()).isEqualTo(1006);
    }

    @Test
    void originDyingInTheMiddleOfAFrameClosesTcpWithoutInventingBytes() throws Exception {
        try (SilentOrigins.Scripted broken = new SilentOrigins.Scripted((in, out) -> {
            String head = SilentOrigins.readHead(in);
            try {
                out.write(SilentOrigins.switchingProtocols(head));
                out.write(new byte[] {(byte) 0x82, 10, 1, 2, 3}); // a 10-byte frame, 3 bytes of it
                out.flush();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }); TestEdge raw = TestEdge.toOrigin(broken.port()); RawWebSocket client = RawWebSocket.connect(raw.port())) {
            assertThat(client.handshake("/")).startsWith("HTTP/1.1 101");
            assertThat(client.readBytes(5)).containsExactly(0x82, 10, 1, 2, 3);
            assertThat(client.readToEnd()).isZero(); // TCP closed, no made-up bytes
        }
    }

    @Test
    void clientVanishingGivesTheOriginA1001Close() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(edge.port())) {
            assertThat(client.handshake("/echo")).startsWith("HTTP/1.1 101");
            client.write(RawWebSocket.text("hi"));
            assertThat(client.readFrame().text()).isEqualTo("hi");
        } // closed without a close frame
        assertThat(origin.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("1001 client went away");
        RequestLog log = edge.nextLog();
        assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.client);
        assertThat(log.webSocketCloseCode()).isEqualTo(1006);
    }

    @Test
    void idleConnectionsAreClosedOnBothSides() throws Exception {
        try (TestEdge idle = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "idle_timeout: 3s"))) {
            // Long enough that a slow first echo is not taken for idleness; the close must still come.
            WsClient client = WsClient.connect(idle.ws("/echo"));
            client.socket.sendText("still here", true).join();
            assertThat(client.next()).isEqualTo("text:still here");
            assertThat(client.next()).isEqualTo("close:1001 idle timeout");
            assertThat(origin.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("1001 idle timeout");
            RequestLog log = idle.nextLog();
            assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.edge);
            assertThat(log.webSocketCloseCode()).isEqualTo(1001);
        }
    }
}
