package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLog.ClosedBy;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.RawWebSocket;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6455's framing rules and the zone's max_message_size for frames that are not data:
 * a raw client, a real edge with a 1 KiB limit, and Jetty as the origin. A frame that breaks
 * the rules never reaches the other side; the edge fails the connection with 1002.
 */
class FrameRulesTest {

    static JettyOrigin origin;
    TestEdge edge;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = new JettyOrigin();
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        origin.close();
    }

    @BeforeEach
    void startEdge() {
        origin.closes.clear();
        edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "max_message_size: 1KiB"));
    }

    @AfterEach
    void stopEdge() {
        edge.close();
    }

    static Stream<Arguments> badClientFrames() {
        return Stream.of(
                Arguments.of("a 100,000-byte frame with reserved opcode 3", RawWebSocket.frame(true, 0x3, new byte[100_000])),
                Arguments.of("a 4-byte frame with reserved opcode 0xB", RawWebSocket.frame(true, 0xB, new byte[4])),
                Arguments.of("a 100,000-byte ping", RawWebSocket.frame(true, 0x9, new byte[100_000])),
                Arguments.of("a 126-byte ping", RawWebSocket.frame(true, 0x9, new byte[126])),
                Arguments.of("a ping without FIN", RawWebSocket.frame(false, 0x9, new byte[4])),
                Arguments.of("a 126-byte close", RawWebSocket.frame(true, 0x8, closePayload(1000, "x".repeat(124)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badClientFrames")
    void aClientFrameBreakingTheRulesNeverReachesTheOriginAndFailsTheConnectionWith1002(String name, byte[] bad)
            throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(edge.port())) {
            assertThat(client.handshake("/echo")).startsWith("HTTP/1.1 101");
            client.write(RawWebSocket.text("before"));
            assertThat(client.readFrame().text()).isEqualTo("before");
            client.write(bad);
            try {
                client.write(RawWebSocket.text("after"));
            } catch (java.net.SocketException reset) {
                // the edge may have failed the connection already: then "after" cannot reach anyone either
            }

            // The origin got the edge's close (had it seen the frame, Jetty would have failed
            // the connection with a reason of its own) and its answer reached the client.
            assertThat(origin.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("1002 protocol error");
            RawWebSocket.Frame close = client.readFrame();
            assertThat(close.opcode()).as("nothing but the origin's close comes back").isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1002);
            assertClosedByTheEdge(client);
            RequestLog log = edge.nextLog();
            assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.edge);
            assertThat(log.webSocketCloseCode()).isEqualTo(1002);
            assertThat(log.webSocketClientMessages()).isEqualTo(1);
        }
    }

    @Test
    void controlFramesWithinTheRulesPass() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(edge.port())) {
            assertThat(client.handshake("/echo")).startsWith("HTTP/1.1 101");
            byte[] payload = "p".repeat(125).getBytes(StandardCharsets.UTF_8);
            client.write(concat(RawWebSocket.frame(false, 0x1, "a".getBytes(StandardCharsets.UTF_8)),
                    RawWebSocket.frame(true, 0x9, payload), // a ping between fragments, as RFC 6455 §5.4 allows
                    RawWebSocket.frame(true, 0x0, "b".getBytes(StandardCharsets.UTF_8))));
            RawWebSocket.Frame pong = client.readFrame();
            assertThat(pong.opcode()).isEqualTo(0xA);
            assertThat(pong.payload()).isEqualTo(payload);
            assertThat(new String(client.readMessage(), StandardCharsets.UTF_8)).isEqualTo("ab");
            client.write(RawWebSocket.close(1000, ""));
            assertThat(client.readFrame().closeCode()).isEqualTo(1000);
        }
    }

    /** An origin that sends a frame with a reserved opcode after its 101 and records what it then gets. */
    @Test
    void anOriginFrameBreakingTheRulesNeverReachesTheClient() throws Exception {
        BlockingQueue<byte[]> toOrigin = new ArrayBlockingQueue<>(1);
        try (SilentOrigins.Scripted bad = new SilentOrigins.Scripted((in, out) -> {
            try {
                byte[] hello = SilentOrigins.switchingProtocols(SilentOrigins.readHead(in));
                out.write(hello);
                out.write(new byte[] {(byte) 0x81, 2, 'o', 'k', (byte) 0x85, 3, 'b', 'a', 'd', (byte) 0x81, 2, 'n', 'o'});
                out.flush();
                DataInputStream data = new DataInputStream(in);
                byte[] head = new byte[6];
                data.readFully(head);
                byte[] rest = new byte[head[1] & 0x7F];
                data.readFully(rest);
                toOrigin.add(concat(head, rest));
                Thread.sleep(2000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }); TestEdge edgeToBad = TestEdge.toOrigin(bad.port()); RawWebSocket client = RawWebSocket.connect(edgeToBad.port())) {
            assertThat(client.handshake("/")).startsWith("HTTP/1.1 101");
            assertThat(client.readFrame().text()).isEqualTo("ok");
            RawWebSocket.Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1002);
            assertThat(close.closeReason()).isEqualTo("protocol error");
            client.write(RawWebSocket.close(1002, ""));
            client.readToEnd();

            byte[] received = toOrigin.poll(10, TimeUnit.SECONDS);
            assertThat(received).as("the client's answering close, masked").isNotNull();
            assertThat(received[0] & 0xFF).isEqualTo(0x88);
            assertThat(received[1] & 0x80).isEqualTo(0x80);
            RequestLog log = edgeToBad.nextLog();
            assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.edge);
            assertThat(log.webSocketCloseCode()).isEqualTo(1002);
            assertThat(log.webSocketOriginMessages()).isEqualTo(1);
        }
    }

    /**
     * Reads to the end of the connection. The edge closes it with some of the client's bytes
     * (the rest of a dropped frame) unread, so the end may come as a reset.
     */
    static void assertClosedByTheEdge(RawWebSocket client) throws IOException {
        try {
            client.readToEnd();
        } catch (java.net.SocketException e) {
            assertThat(e.getMessage()).isEqualTo("Connection reset");
        }
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
