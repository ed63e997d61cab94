package dev.pier.edge.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.config.ConfigLoader;
import dev.pier.edge.Edge;
import dev.pier.edge.admin.AdminRoute;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A zone's DNS records and origin rules cannot point the edge at itself (its admin listener,
 * or its own proxy listener: a loop) nor at a link-local address such as the cloud metadata
 * service: the edge answers 403 with Cloudflare's error 1000 and does not connect.
 */
class ProhibitedOriginTest {

    private static final String GET_METRICS = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    @Test
    void anOriginRuleCannotReachTheAdminListener() throws Exception {
        AtomicInteger adminRequests = new AtomicInteger();
        AdminRoute api = new AdminRoute() {
            @Override
            public String prefix() {
                return "/client/v4";
            }

            @Override
            public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
                adminRequests.incrementAndGet();
                return new Response(200, "application/json", "{\"success\":true}".getBytes(StandardCharsets.UTF_8));
            }
        };
        BlockingQueue<RequestLog> logs = new LinkedBlockingQueue<>();
        var dir = Files.createTempDirectory("pier-test");
        try (Edge edge = Edge.start(ConfigLoader.parse(TestEdge.zoneYaml("localhost", 9, ""), dir), logs::add, List.of(api))) {
            int adminPort = edge.adminAddress().getPort();
            int proxyPort = edge.listenerAddress(0).getPort();
            // the admin listener answers on 127.0.0.1 itself
            assertThat(RawHttp.exchange(adminPort, GET_METRICS)).startsWith("HTTP/1.1 200").contains("version=0.0.4");

            // by port (the zone's origin is 127.0.0.1), by host name, and by the wildcard address
            for (String origin : List.of("{ port: %d }", "{ host: localhost, port: %d }", "{ host: 0.0.0.0, port: %d }")) {
                edge.reload(ConfigLoader.parse(TestEdge.zoneYaml("localhost", 9, "") + """
                                  - expression: 'true'
                                    action: route
                                    action_parameters: { origin: %s }
                        """.formatted(origin.formatted(adminPort)), dir));
                String metrics = RawHttp.exchange(proxyPort, GET_METRICS);
                assertThat(metrics).as(origin).startsWith("HTTP/1.1 403").contains("error 1000: DNS points to a prohibited IP")
                        .containsPattern("Ray ID: [0-9a-f]{16}").doesNotContain("version=0.0.4").doesNotContain("pier_");
                RequestLog log = logs.poll(10, TimeUnit.SECONDS);
                assertThat(log.edgeError()).isEqualTo("PROHIBITED_ORIGIN");
                assertThat(log.edgeResponseStatus()).isEqualTo(403);
                assertThat(log.originResponseStatus()).isZero();
                assertThat(log.originIp()).isIn("127.0.0.1", "0.0.0.0");

                String apiCall = RawHttp.exchange(proxyPort, "GET /client/v4/zones HTTP/1.1\r\nHost: localhost\r\n"
                        + "Connection: close\r\n\r\n");
                assertThat(apiCall).startsWith("HTTP/1.1 403").contains("error 1000").doesNotContain("success");
                logs.poll(10, TimeUnit.SECONDS);
            }
            assertThat(adminRequests.get()).isZero();
        }
    }

    @Test
    void aZoneCannotRouteRequestsBackIntoTheEdge() throws Exception {
        try (TestEdge edge = TestEdge.toOrigin(9)) {
            edge.reload(TestEdge.zoneYaml("localhost", edge.port(), ""));
            String looped = RawHttp.exchange(edge.port(), "GET /anything HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(looped).startsWith("HTTP/1.1 403").contains("error 1000");
            RequestLog log = edge.nextLog();
            assertThat(log.edgeError()).isEqualTo("PROHIBITED_ORIGIN");
            assertThat(log.originIp()).isEqualTo("127.0.0.1");
            // one request, one log record: nothing came round again
            assertThat(edge.drainLogs(java.time.Duration.ofMillis(300))).isEmpty();

            String upgrade = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost"));
            assertThat(upgrade).startsWith("HTTP/1.1 403").contains("error 1000");
            assertThat(edge.nextLog().edgeError()).isEqualTo("PROHIBITED_ORIGIN");
        }
    }

    @Test
    void withoutAnOriginRuleTheListenerPortIsTheOriginPortAndLoops() throws Exception {
        // an A record 127.0.0.1 and no origin rule: the origin port is the port the client used
        try (TestEdge edge = TestEdge.fromYaml("""
                listeners:
                  - address: 127.0.0.1:0
                request_log: requests.ndjson
                zones:
                  - name: localhost
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                """)) {
            assertThat(RawHttp.exchange(edge.port(), GET_METRICS)).startsWith("HTTP/1.1 403").contains("error 1000");
            assertThat(edge.nextLog().edgeError()).isEqualTo("PROHIBITED_ORIGIN");
        }
    }

    @Test
    void linkLocalOriginsAreRefusedWithoutConnecting() throws Exception {
        // 169.254.169.254 does not answer here: a connect attempt would run into origin_connect (10 s)
        try (TestEdge edge = TestEdge.fromYaml("""
                listeners:
                  - address: 127.0.0.1:0
                request_log: requests.ndjson
                timeouts:
                  origin_connect: 10s
                zones:
                  - name: localhost
                    dns_records:
                      - { type: A, name: localhost, content: 169.254.169.254 }
                      - { type: A, name: metadata.localhost, content: 127.0.0.1 }
                    rulesets:
                      - phase: http_request_origin
                        rules:
                          - expression: 'http.host eq "metadata.localhost"'
                            action: route
                            action_parameters: { origin: { host: 169.254.169.254, port: 80 } }
                """)) {
            for (String host : List.of("localhost", "metadata.localhost")) {
                long start = System.nanoTime();
                String response = RawHttp.exchange(edge.port(),
                        "GET /latest/meta-data/ HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertThat(response).as(host).startsWith("HTTP/1.1 403").contains("error 1000")
                        .containsPattern("Ray ID: [0-9a-f]{16}");
                assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
                RequestLog log = edge.nextLog();
                assertThat(log.edgeError()).isEqualTo("PROHIBITED_ORIGIN");
                assertThat(log.originIp()).isEqualTo("169.254.169.254");
            }
        }
    }

    @Test
    void aLoopbackOriginOnAnotherPortStillWorks() throws Exception {
        try (JettyOrigin origin = new JettyOrigin(); TestEdge edge = TestEdge.toOrigin(origin.port())) {
            String response = RawHttp.exchange(edge.port(), "GET /headers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(edge.nextLog().edgeError()).isNull();
        }
    }
}
