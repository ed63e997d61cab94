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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Edge keepalive against real peers, and the per-zone message size limit. */
class KeepaliveAndLimitsTest extends EdgeWithJettyOrigin {
    @Test
    void keepaliveKeepsASilentConnectionOpenPastTheIdleTimeout() throws Exception {
        try (TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(),
                "idle_timeout: 3s\nkeepalive: 1s"))) {
            // A quiet side is pinged one to two keepalive intervals after it last spoke, and
            // its pong counts as activity: silence of 2 s at most, well inside the idle timeout.
            // Each peer has a whole interval to answer, so a scheduling stall does not kill it.
            WsClient client = WsClient.connect(edge.ws("/echo"));
            Thread.sleep(7000); // more than two idle timeouts of silence from both peers
            client.socket.sendText("still here", true).join();
            List<String> seen = new ArrayList<>();
            String event;
            while (!(event = client.next()).startsWith("text:")) {
                seen.add(event);
            }
            assertThat(event).isEqualTo("text:still here");
            assertThat(seen).as("the client was pinged by the edge").isNotEmpty().allMatch(e -> e.startsWith("ping:"));
            client.socket.sendClose(1000, "").join();
            while (!client.next().startsWith("close:")) {
                // more keepalive pings may come first
            }
            RequestLog log = edge.nextLog();
            assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.client);
            assertThat(log.webSocketOriginMessages()).as("the origin's pongs were swallowed, not counted or forwarded").isEqualTo(1);
        }
    }

    @Test
    void anOriginThatStopsAnsweringPingsIsClosed() throws Exception {
        try (SilentOrigins.Scripted deaf = new SilentOrigins.Scripted((in, out) -> {
            String head = SilentOrigins.readHead(in);
            try {
                out.write(SilentOrigins.switchingProtocols(head));
                out.flush();
                Thread.sleep(20_000); // never reads, never answers
            } catch (IOException | InterruptedException e) {
                // closed by the edge
            }
        }); TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", deaf.port(), "keepalive: 1s"))) {
            WsClient client = WsClient.connect(edge.ws("/"));
            String event;
            while ((event = client.next()).startsWith("ping:")) {
                // the client answers the edge's pings itself
            }
            assertThat(event).isEqualTo("close:1001 origin did not answer keepalive pings");
            RequestLog log = edge.nextLog();
            assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.edge);
            assertThat(log.webSocketCloseCode()).isEqualTo(1006);
        }
    }

    @Test
    void aMessageOverTheZoneLimitClosesBothSidesWith1009() throws Exception {
        try (TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "max_message_size: 1KiB"))) {
            origin.closes.clear();
            WsClient client = WsClient.connect(edge.ws("/echo"));
            client.socket.sendBinary(ByteBuffer.allocate(1024), true).join();
            assertThat(client.nextBinary().remaining()).isEqualTo(1024); // at the limit: fine
            client.socket.sendBinary(ByteBuffer.allocate(1025), true).join();
            assertThat(client.next()).isEqualTo("close:1009 message too big");
            assertThat(origin.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("1009 message too big");
            RequestLog log = edge.nextLog();
            assertThat(log.webSocketCloseCode()).isEqualTo(1009);
            assertThat(log.webSocketClientMessages()).isEqualTo(1);

            WsClient other = WsClient.connect(edge.ws("/echo")); // the edge stays healthy for others
            other.socket.sendText("fine", true).join();
            assertThat(other.next()).isEqualTo("text:fine");
            other.socket.sendClose(1000, "").join();
        }
    }

    @Test
    void theLimitAppliesToFragmentedMessagesAsAWhole() throws Exception {
        try (TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "max_message_size: 100"));
             RawWebSocket client = RawWebSocket.connect(edge.port())) {
            assertThat(client.handshake("/echo")).startsWith("HTTP/1.1 101");
            client.write(RawWebSocket.frame(false, 0x1, "a".repeat(60).getBytes(StandardCharsets.UTF_8)));
            client.write(RawWebSocket.frame(true, 0x0, "b".repeat(60).getBytes(StandardCharsets.UTF_8)));
            RawWebSocket.Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1009);
        }
    }
}
