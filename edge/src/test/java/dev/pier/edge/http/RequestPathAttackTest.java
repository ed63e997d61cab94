package dev.pier.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.RecordingOrigin;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attacks of the data-plane security review, each against a real edge with a custom rule
 * blocking {@code /admin}, in front of an origin that records every byte it receives: a
 * request the WAF did not judge never reaches the origin, and what the origin parses is what
 * the WAF judged.
 */
class RequestPathAttackTest {

    static final String BLOCK_ADMIN = """
                  - phase: http_request_firewall_custom
                    rules:
                      - id: no-admin
                        expression: 'starts_with(http.request.uri.path, "/admin")'
                        action: block
            """;

    static TestEdge edgeInFrontOf(RecordingOrigin origin) {
        return TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "") + BLOCK_ADMIN);
    }

    static String send(Socket socket, String bytes) throws IOException {
        socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return SilentOrigins.readHead(socket.getInputStream());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "content-length, keep-alive", "Transfer-Encoding"})
    void aConnectionHeaderNamingAFramingHeaderCannotSmuggleARequest(String option) throws Exception {
        String smuggled = "GET /admin/secret HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String body = option.startsWith("Transfer") ? Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n" : smuggled;
        String framing = option.startsWith("Transfer") ? "Transfer-Encoding: chunked" : "Content-Length: " + smuggled.length();
        try (RecordingOrigin origin = RecordingOrigin.answeringEveryHead(); TestEdge edge = edgeInFrontOf(origin);
             Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout(10_000);
            String response = send(socket, "POST /a HTTP/1.1\r\nHost: localhost\r\nConnection: " + option + "\r\n" + framing + "\r\n\r\n"
                    + body + "GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
            assertThat(socket.getInputStream().readAllBytes()).asString().doesNotContain("admin"); // and the edge closed
            assertThat(edge.nextLog().edgeResponseStatus()).isEqualTo(400);
            assertThat(edge.drainLogs(Duration.ofMillis(300))).isEmpty();
            assertThat(origin.received()).isEmpty();
        }
    }

    @Test
    void hopByHopOptionsAreStillRemoved() throws Exception {
        try (RecordingOrigin origin = RecordingOrigin.answeringEveryHead(); TestEdge edge = edgeInFrontOf(origin)) {
            String response = RawHttp.exchange(edge.port(), "GET /a HTTP/1.1\r\nHost: localhost\r\nConnection: close, X-Private\r\n"
                    + "X-Private: secret\r\nX-Public: kept\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("GET /a HTTP/1.1");
            assertThat(origin.received()).containsIgnoringCase("x-public: kept").doesNotContainIgnoringCase("x-private");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost/admin", "HTTP://localhost/admin/x", "http://localhost:80/admin?x=1",
            "https://localhost/admin", "http://evil.example/admin"})
    void anAbsoluteFormTargetIsJudgedByItsPathAndHost(String target) throws Exception {
        try (RecordingOrigin origin = RecordingOrigin.answeringEveryHead(); TestEdge edge = edgeInFrontOf(origin)) {
            String response = RawHttp.exchange(edge.port(), "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            // evil.example is no zone of this edge: 404, whatever Host said
            assertThat(response).startsWith(target.contains("evil") ? "HTTP/1.1 404" : "HTTP/1.1 403");
            String upgrade = RawHttp.exchange(edge.port(), RawHttp.upgrade("/x", "localhost").replace("GET /x", "GET " + target));
            assertThat(upgrade).startsWith(target.contains("evil") ? "HTTP/1.1 404" : "HTTP/1.1 403");
            assertThat(origin.received()).isEmpty();
        }
    }

    @Test
    void anAbsoluteFormTargetReachesTheOriginInOriginFormWithItsHost() throws Exception {
        try (RecordingOrigin origin = RecordingOrigin.answeringEveryHead(); TestEdge edge = edgeInFrontOf(origin)) {
            String response = RawHttp.exchange(edge.port(), "GET http://localhost/ok?q=1 HTTP/1.1\r\nHost: other.test\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("GET /ok?q=1 HTTP/1.1");
            assertThat(origin.received()).containsIgnoringCase("\r\nhost: localhost\r\n").doesNotContain("other.test");
            RequestLog log = edge.nextLog();
            assertThat(log.clientRequestUri()).isEqualTo("/ok?q=1");
            assertThat(log.clientRequestHost()).isEqualTo("localhost");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0x3", "1234567890123456789", "5 junk", "5\r\nhelloXX"})
    void aBadChunkFailsTheRequestAndTheOriginConnectionIsNotReused(String badChunk) throws Exception {
        // The origin answers a GET at once and waits for the whole body of anything else.
        try (RecordingOrigin origin = new RecordingOrigin((in, out) -> {
                String head = SilentOrigins.readHead(in);
                if (head.startsWith("GET")) {
                    try {
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    } catch (IOException e) {
                        return false;
                    }
                }
                return true;
            });
             TestEdge edge = edgeInFrontOf(origin)) {
            try (Socket socket = new Socket("127.0.0.1", edge.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!origin.received().endsWith("hello\r\n") && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10); // the head and the first chunk are at the origin, which waits for the rest
                }
                String response = send(socket, badChunk + "\r\n");
                assertThat(response).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                        .contains("The request body is not validly framed");
            }
            assertThat(edge.nextLog().edgeResponseStatus()).isEqualTo(400);
            awaitClosed(origin, 0);
            // Cut short: no terminating chunk, nothing after the bad one; the origin saw its connection closed.
            assertThat(origin.connections.get(0).received()).startsWith("POST /upload HTTP/1.1").endsWith("5\r\nhello\r\n");
            assertThat(RawHttp.exchange(edge.port(), "GET /after HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200").endsWith("fresh");
            assertThat(origin.connections).hasSize(2);
        }
    }

    private static void awaitClosed(RecordingOrigin origin, int connection) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((origin.connections.size() <= connection || !origin.connections.get(connection).closedByEdge())
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(origin.connections.get(connection).closedByEdge()).as("the edge closed the origin connection").isTrue();
    }

    /** Variations of a valid 101 that an origin must not get a tunnel with. */
    @ParameterizedTest
    @ValueSource(strings = {"no upgrade", "h2c", "no accept", "wrong accept", "two accepts", "no connection", "extension not offered",
            "protocol not offered"})
    void anOriginSwitchingProtocolsWithoutAValidHandshakeGets502AndNoTunnel(String variation) throws Exception {
        UnaryOperator<String> spoil = switch (variation) {
            case "no upgrade" -> h -> h.replace("Upgrade: websocket\r\n", "");
            case "h2c" -> h -> h.replace("Upgrade: websocket", "Upgrade: h2c");
            case "no accept" -> h -> h.replaceAll("Sec-WebSocket-Accept: [^\r]*\r\n", "");
            case "wrong accept" -> h -> h.replaceAll("Sec-WebSocket-Accept: [^\r]*", "Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
            case "two accepts" -> h -> h.replaceAll("(Sec-WebSocket-Accept: [^\r]*\r\n)", "$1$1");
            case "no connection" -> h -> h.replace("Connection: Upgrade\r\n", "");
            case "extension not offered" -> h -> h.replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: x-webkit-deflate-frame\r\n\r\n");
            default -> h -> h.replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: admin\r\n\r\n");
        };
        try (RecordingOrigin origin = new RecordingOrigin((in, out) -> {
                String head = SilentOrigins.readHead(in);
                try {
                    out.write(spoil.apply(new String(SilentOrigins.switchingProtocols(head), StandardCharsets.ISO_8859_1))
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    return false;
                }
                return true;
            });
             TestEdge edge = edgeInFrontOf(origin);
             Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout(10_000);
            String response = send(socket, RawHttp.upgrade("/chat", "localhost", "Sec-WebSocket-Protocol: chat"));
            assertThat(response).startsWith("HTTP/1.1 502");
            try {
                socket.getOutputStream().write("GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException closed) {
                // the edge may have closed already: then nothing can have gone on
            }
            assertThat(edge.nextLog()).satisfies(log -> {
                assertThat(log.edgeResponseStatus()).isEqualTo(502);
                assertThat(log.edgeError()).isEqualTo("ORIGIN_BAD_HANDSHAKE");
                assertThat(log.webSocket()).isFalse();
            });
            awaitClosed(origin, 0);
            assertThat(origin.received()).startsWith("GET /chat HTTP/1.1").doesNotContain("/admin");
        }
    }

    @Test
    void aValidHandshakeStillOpensTheTunnel() throws Exception {
        try (RecordingOrigin origin = new RecordingOrigin((in, out) -> {
                try {
                    out.write(SilentOrigins.switchingProtocols(SilentOrigins.readHead(in)));
                    out.flush();
                } catch (IOException e) {
                    return false;
                }
                return true;
            });
             TestEdge edge = edgeInFrontOf(origin);
             Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout(10_000);
            assertThat(send(socket, RawHttp.upgrade("/chat", "localhost"))).startsWith("HTTP/1.1 101");
            byte[] frame = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};
            socket.getOutputStream().write(frame);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!origin.received().endsWith(new String(frame, StandardCharsets.ISO_8859_1)) && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            assertThat(origin.received()).endsWith(new String(frame, StandardCharsets.ISO_8859_1));
        }
    }
}
