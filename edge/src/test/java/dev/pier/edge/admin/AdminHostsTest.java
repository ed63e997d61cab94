package dev.pier.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.edge.Edge;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin listener answers only requests that name one of its hosts: a page whose name an
 * attacker rebinds to the listener's address (DNS rebinding) sends {@code Host: evil.example}
 * and gets 421 with nothing from any route, while localhost, IP addresses and the configured
 * names are served.
 */
class AdminHostsTest {

    static final String ZONE = "secret-zone.example";
    /** Every kind of path the listener serves: its index, metrics, a process route, an unknown path. */
    static final List<String> PATHS = List.of("/", "/metrics", "/metrics?name[]=x", "/api/zones", "/nosuch");

    final AtomicInteger routeCalls = new AtomicInteger();
    /** A route standing for the control plane's API: it counts every request it is given. */
    final AdminRoute api = new AdminRoute() {
        @Override
        public String prefix() {
            return "/api";
        }

        @Override
        public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
            routeCalls.incrementAndGet();
            return new Response(200, "application/json", ("{\"zones\":[\"" + ZONE + "\"]}").getBytes(StandardCharsets.UTF_8));
        }
    };

    Path dir;
    Edge edge;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("pier-admin-hosts");
        edge = Edge.start(config("[admin.example.com, Pier-Admin.Internal.]"), log -> { }, List.of(api));
        edge.usage().zone(ZONE).request();
    }

    PierConfig config(String allowedHosts) {
        return ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                  allowed_hosts: %s
                request_log: requests.ndjson
                zones: []
                """.formatted(allowedHosts), dir);
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    /** Sends {@code request} and reads until the listener closes the connection (or 10 s pass). */
    String exchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", edge.adminAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String get(String path, String host) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    @Test
    void aRebindingHostIsRefusedWith421OnEveryRouteAndNoRouteRuns() throws Exception {
        int port = edge.adminAddress().getPort();
        for (String host : List.of("evil.example", "evil.example:" + port, "EVIL.example.", "127.0.0.1.evil.example",
                "localhost.evil.example", "admin.example.com.evil.example", "xn--80ak6aa92e.com")) {
            for (String path : PATHS) {
                // keep-alive asked for: the listener closes anyway, so a rebinding page cannot reuse the connection
                String answer = exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                assertThat(answer).as(host + " " + path).startsWith("HTTP/1.1 421 Misdirected Request")
                        .contains("admin.allowed_hosts").doesNotContain(ZONE).doesNotContain("pier_").doesNotContain(host);
            }
            String post = exchange("POST /api/zones HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 2\r\n\r\n{}");
            assertThat(post).as(host + " POST").startsWith("HTTP/1.1 421");
        }
        assertThat(routeCalls.get()).isZero();
    }

    @Test
    void localhostIpAddressesAndTheConfiguredNamesAreServed() throws Exception {
        int port = edge.adminAddress().getPort();
        for (String host : List.of("127.0.0.1:" + port, "127.0.0.1", "localhost:" + port, "LocalHost.", "[::1]:" + port,
                "10.1.2.3:9", "admin.example.com", "Admin.Example.COM.:443", "pier-admin.internal")) {
            assertThat(get("/metrics", host)).as(host).startsWith("HTTP/1.1 200").contains("zone=\"" + ZONE + "\"");
            assertThat(get("/api/zones", host)).as(host).startsWith("HTTP/1.1 200").contains(ZONE);
            assertThat(get("/", host)).as(host).startsWith("HTTP/1.1 200");
        }
        assertThat(routeCalls.get()).isEqualTo(9);
    }

    @Test
    void aMissingDuplicateOrMalformedHostIs400AndNoRouteRuns() throws Exception {
        for (String head : List.of(
                "GET /api/zones HTTP/1.1\r\n",
                "GET /api/zones HTTP/1.0\r\n",
                "GET /api/zones HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n",
                "GET /api/zones HTTP/1.1\r\nHost: \r\n",
                "GET /api/zones HTTP/1.1\r\nHost: 127.0.0.1@evil.example\r\n",
                "GET /api/zones HTTP/1.1\r\nHost: localhost:80x\r\n",
                "GET /api/zones HTTP/1.1\r\nHost: localhost/evil\r\n")) {
            assertThat(exchange(head + "Connection: close\r\n\r\n")).as(head).startsWith("HTTP/1.1 400").doesNotContain(ZONE);
        }
        assertThat(routeCalls.get()).isZero();
    }

    @Test
    void anAbsoluteTargetIsJudgedByItsAuthorityNotByHost() throws Exception {
        assertThat(exchange("GET http://evil.example/api/zones HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 421");
        assertThat(routeCalls.get()).isZero();
        assertThat(exchange("GET http://127.0.0.1/api/zones HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200").contains(ZONE);
    }

    @Test
    void allowedHostsFollowAReload() throws Exception {
        assertThat(get("/metrics", "metrics.example.net")).startsWith("HTTP/1.1 421");
        edge.reload(config("[metrics.example.net]"));
        assertThat(get("/metrics", "metrics.example.net")).startsWith("HTTP/1.1 200");
        assertThat(get("/metrics", "admin.example.com")).startsWith("HTTP/1.1 421");
    }
}
