package dev.pier.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Plain HTTP/1.1 through the edge: keep-alive, streamed and chunked bodies, limits, headers. */
class HttpProxyTest extends EdgeWithJettyOrigin {
    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String head = SilentOrigins.readHead(in);
                assertThat(head).startsWith("HTTP/1.1 200 OK").doesNotContainIgnoringCase("connection: close");
                int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
                assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8)).isEqualTo("hello from jetty\n");
            }
        }
        for (int i = 0; i < 3; i++) {
            assertThat(edge.nextLog().edgeResponseStatus()).isEqualTo(200);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /big?n=5 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String both = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(both.indexOf("hello from jetty")).isPositive().isLessThan(both.indexOf("bbbbb"));
        }
    }

    @Test
    void chunkedRequestBodyStreamsToTheOriginAndBack() throws Exception {
        byte[] body = new byte[5 << 20];
        new Random(3).nextBytes(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create(edge.http("/body")))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))) // no length: chunked
                .build();
        HttpResponse<byte[]> response = WsClient.HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        RequestLog log = edge.nextLog();
        assertThat(log.clientRequestBytes()).isGreaterThan(body.length);
        assertThat(log.edgeResponseBytes()).isGreaterThan(body.length);
        assertThat(log.originResponseBytes()).isGreaterThan(body.length);
    }

    @Test
    void largeResponseStreamsToTheClient() throws Exception {
        HttpResponse<byte[]> response = WsClient.HTTP.send(
                HttpRequest.newBuilder(URI.create(edge.http("/big?n=20000000"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.body()).hasSize(20_000_000);
    }

    @Test
    void theRequestIdIsSeenByClientOriginAndLog() throws Exception {
        HttpResponse<String> response = WsClient.HTTP.send(
                HttpRequest.newBuilder(URI.create(edge.http("/headers"))).header("X-Forwarded-For", "203.0.113.9").build(),
                HttpResponse.BodyHandlers.ofString());
        String ray = response.headers().firstValue("pier-ray").orElseThrow();
        assertThat(response.body()).contains("pier-ray: " + ray)
                .contains("x-forwarded-for: 203.0.113.9, 127.0.0.1")
                .contains("x-forwarded-proto: http");
        RequestLog log = edge.nextLog();
        assertThat(log.rayId()).isEqualTo(ray);
        assertThat(log.zoneName()).isEqualTo("localhost");
        assertThat(log.clientRequestUri()).isEqualTo("/headers");
    }

    @Test
    void theOriginLearnsTheClientsAddressFromTheEdgeAndEveryForwardedForLineIsKept() throws Exception {
        HttpResponse<String> response = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http("/headers")))
                        .header("X-Forwarded-For", "203.0.113.9").header("X-Forwarded-For", "198.51.100.7")
                        .header("CF-Connecting-IP", "192.0.2.66").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).contains("x-forwarded-for: 203.0.113.9, 198.51.100.7, 127.0.0.1")
                .contains("cf-connecting-ip: 127.0.0.1").doesNotContain("192.0.2.66");
        edge.nextLog();
    }

    @Test
    void hopByHopHeadersStayOnTheirHop() throws Exception {
        String response = RawHttp.exchange(edge.port(), "GET /headers HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-End-To-End: yes\r\n\r\n");
        assertThat(response).contains("x-end-to-end: yes").doesNotContain("x-secret-hop").doesNotContain("keep-alive: timeout");
    }

    @Test
    void overlongUriIs414AndOversizedHeadersAre431() throws Exception {
        String longUri = "GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        assertThat(RawHttp.exchange(edge.port(), longUri)).startsWith("HTTP/1.1 414");
        String oneBigHeader = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "h".repeat(17 * 1024) + "\r\n\r\n";
        assertThat(RawHttp.exchange(edge.port(), oneBigHeader)).startsWith("HTTP/1.1 431").contains("X-Big");
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 5; i++) {
            many.append("X-Part-").append(i).append(": ").append("p".repeat(8 * 1024)).append("\r\n");
        }
        assertThat(RawHttp.exchange(edge.port(), many.append("\r\n").toString())).startsWith("HTTP/1.1 431");
        assertThat(RawHttp.exchange(edge.port(), "GET / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400")
                .contains("no Host header");
    }

    @Test
    void headResponsesHaveNoBody() throws Exception {
        HttpResponse<String> response = WsClient.HTTP.send(
                HttpRequest.newBuilder(URI.create(edge.http("/hello"))).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        HttpResponse<String> after = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http("/hello"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(after.body()).isEqualTo("hello from jetty\n");
    }

    @Test
    void originClosingWithoutAResponseIs520() throws Exception {
        try (SilentOrigins.Scripted rude = new SilentOrigins.Scripted((in, out) -> SilentOrigins.readHead(in));
             TestEdge toRude = TestEdge.toOrigin(rude.port())) {
            assertThat(RawHttp.exchange(toRude.port(), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                    .startsWith("HTTP/1.1 520").contains("without sending a response");
        }
    }

    @Test
    void closeDelimitedOriginBodiesReachTheClientChunked() throws Exception {
        try (SilentOrigins.Scripted old = new SilentOrigins.Scripted((in, out) -> {
            SilentOrigins.readHead(in);
            try {
                out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody until close".getBytes(StandardCharsets.ISO_8859_1));
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        }); TestEdge toOld = TestEdge.toOrigin(old.port())) {
            HttpResponse<String> response = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(toOld.http("/"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("body until close");
            assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
        }
    }
}
