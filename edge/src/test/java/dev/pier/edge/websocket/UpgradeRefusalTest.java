package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.ExecutionException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Upgrades the edge or the origin refuses, and origins that fail before the 101. */
class UpgradeRefusalTest extends EdgeWithJettyOrigin {
    @Test
    void websocketsOffRefusesTheUpgradeWithoutContactingTheOrigin() throws Exception {
        try (TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "websockets: off"))) {
            int upgradesBefore = origin.upgrades.get();
            int requestsBefore = origin.httpRequests.get();
            String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost"));
            assertThat(response).startsWith("HTTP/1.1 403 Forbidden")
                    .contains("WebSockets are disabled for this zone.");
            assertThat(origin.upgrades.get()).isEqualTo(upgradesBefore);
            assertThat(origin.httpRequests.get()).isEqualTo(requestsBefore);
            RequestLog log = edge.nextLog();
            assertThat(log.edgeResponseStatus()).isEqualTo(403);
            assertThat(log.originResponseStatus()).isZero();

            // Plain HTTP to the same zone still proxies.
            String hello = RawHttp.exchange(edge.port(), "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(hello).startsWith("HTTP/1.1 200 OK").endsWith("hello from jetty\n");
        }
    }

    @Test
    void originRefusingTheUpgradeIsRelayedAsIs() throws Exception {
        try (TestEdge edge = TestEdge.toOrigin(origin.port())) {
            Throwable failure = catchThrowable(() -> WsClient.connect(edge.ws("/not-a-websocket")));
            assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);
            WebSocketHandshakeException refused = (WebSocketHandshakeException) failure.getCause();
            assertThat(refused.getResponse().statusCode()).isEqualTo(403);
            assertThat(refused.getResponse().body().toString()).contains("refused by origin");
            RequestLog log = edge.nextLog();
            assertThat(log.edgeResponseStatus()).isEqualTo(403);
            assertThat(log.originResponseStatus()).isEqualTo(403);
            assertThat(log.webSocket()).isFalse();
            assertThat(edge.edge.usage().zone("localhost").openWebSockets()).isZero();
        }
    }

    @Test
    void originDownIs521() throws Exception {
        try (SilentOrigins.ClosedPort down = new SilentOrigins.ClosedPort(); TestEdge edge = TestEdge.toOrigin(down.port())) {
            String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost"));
            assertThat(response).startsWith("HTTP/1.1 521").contains("The origin refused the connection.")
                    .doesNotContain(String.valueOf(down.port())).doesNotContain("127.0.0.1"); // the address is for the log only
            assertThat(edge.nextLog().edgeResponseStatus()).isEqualTo(521);
            assertThat(edge.edge.usage().zone("localhost").openWebSockets()).isZero();
        }
    }

    @Test
    void anOriginsBannerIsNotShownToTheClient() throws Exception {
        try (SilentOrigins.Scripted nats = new SilentOrigins.Scripted((in, out) -> {
            try {
                out.write("INFO {\"server_id\":\"internal-nats-7\",\"version\":\"2.10.1\"}\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                in.read();
            } catch (java.io.IOException e) {
                // the edge hung up
            }
        }); TestEdge edge = TestEdge.toOrigin(nats.port())) {
            String response = RawHttp.exchange(edge.port(), "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 502").contains("The origin sent a response the edge could not understand.")
                    .doesNotContain("INFO").doesNotContain("internal-nats").doesNotContain(String.valueOf(nats.port()));
            assertThat(edge.nextLog().edgeError()).isEqualTo("ORIGIN_INVALID_RESPONSE");
        }
    }

    @Test
    void originSlowToConnectIs522() throws Exception {
        try (SilentOrigins.Blackhole blackhole = new SilentOrigins.Blackhole();
             TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", blackhole.port(), "")
                     .replace("origin_connect: 2s", "origin_connect: 500ms"))) {
            String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost"));
            assertThat(response).startsWith("HTTP/1.1 522").contains("The connection to the origin timed out.");
        }
    }

    /** An origin that reads the request head and never answers. */
    static SilentOrigins.Scripted muteOrigin() throws Exception {
        return new SilentOrigins.Scripted((in, out) -> {
            SilentOrigins.readHead(in);
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void noUpgradeResponseInTimeIs524() throws Exception {
        try (SilentOrigins.Scripted mute = muteOrigin(); TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", mute.port(), "")
                .replace("origin_response: 5s", "origin_response: 500ms"))) {
            String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost"));
            assertThat(response).startsWith("HTTP/1.1 524").contains("The origin did not answer in time.");
            assertThat(mute.awaitAccepted(1)).isEqualTo(1);
        }
    }

    @Test
    void aZonesProxyReadTimeoutOverridesTheNodes() throws Exception {
        try (SilentOrigins.Scripted mute = muteOrigin(); TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", mute.port(), "proxy_read_timeout: 300ms")
                .replace("origin_response: 5s", "origin_response: 60s"))) {
            long start = System.nanoTime();
            String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost"));
            assertThat(response).startsWith("HTTP/1.1 524");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(30)); // not the node's 60 s
        }
    }

    @Test
    void invalidHandshakesAre426WithTheSupportedVersion() throws Exception {
        try (TestEdge edge = TestEdge.toOrigin(origin.port())) {
            int before = origin.upgrades.get();
            String noKey = "GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            assertThat(RawHttp.exchange(edge.port(), noKey)).startsWith("HTTP/1.1 426")
                    .containsIgnoringCase("sec-websocket-version: 13").contains("Sec-WebSocket-Key");
            String shortKey = RawHttp.upgrade("/echo", "localhost").replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=");
            assertThat(RawHttp.exchange(edge.port(), shortKey)).startsWith("HTTP/1.1 426");
            String version8 = RawHttp.upgrade("/echo", "localhost").replace("Version: 13", "Version: 8");
            assertThat(RawHttp.exchange(edge.port(), version8)).startsWith("HTTP/1.1 426").contains("expected: 13");
            String noConnection = RawHttp.upgrade("/echo", "localhost").replace("Connection: Upgrade", "Connection: keep-alive");
            assertThat(RawHttp.exchange(edge.port(), noConnection)).startsWith("HTTP/1.1 426");
            String http10 = RawHttp.upgrade("/echo", "localhost").replace("HTTP/1.1", "HTTP/1.0");
            assertThat(RawHttp.exchange(edge.port(), http10)).startsWith("HTTP/1.1 426");
            assertThat(origin.upgrades.get()).isEqualTo(before);
        }
    }

    @Test
    void unknownHostGetsAClearPage() throws Exception {
        try (TestEdge edge = TestEdge.toOrigin(origin.port())) {
            String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "elsewhere.example"));
            assertThat(response).startsWith("HTTP/1.1 404").contains("No zone on this edge serves this host name.")
                    .contains("Host: elsewhere.example").containsPattern("Ray ID: [0-9a-f]{16}");
        }
    }

    @Test
    void zoneConnectionLimitAnswers429AndLeavesOpenConnectionsAlone() throws Exception {
        try (TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "max_websocket_connections: 1"))) {
            WsClient first = WsClient.connect(edge.ws("/echo"));
            String refused = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost"));
            assertThat(refused).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after: ");
            first.socket.sendText("still open", true).join();
            assertThat(first.next()).isEqualTo("text:still open");
            first.socket.sendClose(1000, "").join();
            assertThat(first.next()).startsWith("close:1000");
            // the 429's record and the WebSocket's, in whichever order their connections' event loops finished them
            assertThat(java.util.List.of(edge.nextLog(), edge.nextLog())).extracting(RequestLog::edgeResponseStatus, RequestLog::webSocket)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(429, false), org.assertj.core.groups.Tuple.tuple(101, true));
            WsClient second = WsClient.connect(edge.ws("/echo")); // the slot is free again
            second.socket.sendClose(1000, "").join();
        }
    }
}
