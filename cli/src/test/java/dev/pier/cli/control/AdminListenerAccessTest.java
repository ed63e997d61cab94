package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.ConfigLoader;
import dev.pier.control.api.Permission;
import dev.pier.control.store.StoredToken;
import dev.pier.edge.Edge;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin listener in front of the real control plane, on the embedded store and on
 * PostgreSQL: a request whose Host is a DNS-rebinding page's name gets 421 and nothing from the
 * API, the dashboard or the metrics, even with a valid token, and writes nothing; {@code /metrics}
 * takes an API token only when it may read every zone's analytics.
 */
class AdminListenerAccessTest {

    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String ZONE = "secret-zone.example";

    @TempDir
    Path dir;
    ControlPlane control;
    Edge edge;
    String schema;
    String admin;
    String zoneId;

    void start(String store) throws Exception {
        String spec = "embedded:" + dir.resolve("store");
        if (store.equals("PostgreSQL")) {
            schema = "pier_adminhost_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            spec = POSTGRES + "?user=postgres&currentSchema=" + schema;
        }
        control = ControlPlane.open(spec);
        zoneId = control.store().createZone(ZONE, "test").id();
        admin = control.api().credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
        var fileConfig = ConfigLoader.parse("""
                listeners: [ { address: 127.0.0.1:0 } ]
                admin: { address: 127.0.0.1:0 }
                request_log: requests.ndjson
                zones: []
                """, dir);
        long change = control.store().lastChange();
        edge = Edge.start(control.config(fileConfig), null, control.routes(), control.metricsReaders());
        control.follow(edge, change);
        edge.usage().zone(ZONE).request();
    }

    @AfterEach
    void stop() throws Exception {
        if (edge != null) {
            edge.close();
        }
        if (control != null) {
            control.close();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    String exchange(String method, String path, String host, String token, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", edge.adminAddress().getPort())) {
            s.setSoTimeout(20_000);
            String request = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n")
                    + "Connection: close\r\n\r\n" + (body == null ? "" : body);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"embedded", "PostgreSQL"})
    void aRebindingHostGetsNothingFromTheApiTheDashboardOrTheMetricsAndWritesNothing(String store) throws Exception {
        start(store);
        String own = "127.0.0.1:" + edge.adminAddress().getPort();
        List<String> reads = List.of("/client/v4/zones", "/client/v4/zones/" + zoneId + "/settings/websockets",
                "/client/v4/user/tokens/verify", "/client/v4/openapi.json", "/dashboard/", "/dashboard/app.js", "/dashboard", "/metrics", "/");
        for (String path : reads) {
            assertThat(exchange("GET", path, own, admin, null)).as(path).matches("(?s)HTTP/1.1 (200|301|302|308) .*");
            for (String host : List.of("evil.example", "evil.example:" + edge.adminAddress().getPort())) {
                assertThat(exchange("GET", path, host, admin, null)).as(host + path)
                        .startsWith("HTTP/1.1 421").doesNotContain(ZONE).doesNotContain(zoneId).doesNotContain("\"success\"");
            }
        }
        String patch = "/client/v4/zones/" + zoneId + "/settings/websockets";
        assertThat(exchange("PATCH", patch, "evil.example", admin, "{\"value\":\"off\"}")).startsWith("HTTP/1.1 421");
        assertThat(exchange("GET", patch, own, admin, null)).contains("\"value\":\"on\"");
        assertThat(exchange("PATCH", patch, "localhost", admin, "{\"value\":\"off\"}")).startsWith("HTTP/1.1 200");
        assertThat(exchange("GET", patch, own, admin, null)).contains("\"value\":\"off\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"embedded", "PostgreSQL"})
    void metricsTakeAnActiveApiTokenWithAnalyticsReadOnEveryZone(String store) throws Exception {
        start(store);
        var credentials = control.api().credentials();
        String analytics = credentials.issueToken("analytics", Set.of(Permission.ANALYTICS_READ), Set.of(), "test");
        String zoneRead = credentials.issueToken("zone read", Set.of(Permission.ZONE_READ), Set.of(), "test");
        String scoped = credentials.issueToken("scoped", Set.of(Permission.ANALYTICS_READ), Set.of(zoneId), "test");
        String revoked = credentials.issueToken("revoked", Set.of(Permission.ANALYTICS_READ), Set.of(), "test");
        StoredToken revokedToken = control.store().tokens().stream().filter(t -> t.name().equals("revoked")).findFirst().orElseThrow();
        control.store().deleteToken(revokedToken.id(), "test");

        assertThat(exchange("GET", "/metrics", "127.0.0.1", null, null)).startsWith("HTTP/1.1 401")
                .containsIgnoringCase("www-authenticate: Bearer realm=\"pier metrics\"").doesNotContain(ZONE);
        for (String refused : List.of(zoneRead, scoped, revoked, "x".repeat(40), "short")) {
            assertThat(exchange("GET", "/metrics", "127.0.0.1", refused, null)).startsWith("HTTP/1.1 401")
                    .containsIgnoringCase("error=\"invalid_token\"").doesNotContain(ZONE);
        }
        for (String accepted : List.of(admin, analytics)) {
            assertThat(exchange("GET", "/metrics", "127.0.0.1", accepted, null)).startsWith("HTTP/1.1 200")
                    .contains("pier_requests_total{zone=\"" + ZONE + "\"} 1");
        }
    }
}
