package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.pier.control.api.Permission;
import dev.pier.edge.support.RawHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10, high 2, as it was found: a zone-A token with WAF write adds, through the API, an
 * origin rule whose host is zone B's proxied record. The edge must not resolve it through zone
 * B's records: zone B's origin receives nothing, and so zone B's WAF cannot be skipped. On the
 * embedded store and on PostgreSQL.
 */
class CrossZoneOriginTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "postgres"})
    void anOriginRuleCannotNameAnotherZonesRecord(String kind) throws Exception {
        String schema = "pier_crosszone_" + UUID.randomUUID().toString().replace("-", "");
        String store = kind.equals("embedded") ? "embedded:" + dir : POSTGRES + "?user=postgres&currentSchema=" + schema;
        if (kind.equals("postgres")) {
            try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
        }
        List<String> seenByB = new CopyOnWriteArrayList<>();
        HttpServer originB = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        originB.createContext("/", exchange -> {
            seenByB.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        originB.start();
        try (TestControlPlane plane = new TestControlPlane(dir, false, store)) {
            int b = originB.getAddress().getPort();
            String zoneA = api(plane, "POST", "/zones", plane.token, "{\"name\":\"zone-a.test\"}").path("result").path("id").asText();
            String zoneB = api(plane, "POST", "/zones", plane.token, "{\"name\":\"zone-b.test\"}").path("result").path("id").asText();
            api(plane, "POST", "/zones/" + zoneA + "/dns_records", plane.token,
                    "{\"type\":\"A\",\"name\":\"www.zone-a.test\",\"content\":\"127.0.0.1\",\"proxied\":true}");
            api(plane, "POST", "/zones/" + zoneB + "/dns_records", plane.token,
                    "{\"type\":\"A\",\"name\":\"secret.zone-b.test\",\"content\":\"127.0.0.1\",\"proxied\":true}");
            // the guard first: an edge that routes to zone B's origin has zone B's WAF rule already (changes apply in order)
            api(plane, "PUT", "/zones/" + zoneB + "/rulesets/phases/http_request_firewall_custom/entrypoint", plane.token,
                    "{\"rules\":[{\"expression\":\"starts_with(http.request.uri.path, \\\"/admin\\\")\",\"action\":\"block\"}]}");
            api(plane, "PUT", "/zones/" + zoneB + "/rulesets/phases/http_request_origin/entrypoint", plane.token,
                    "{\"rules\":[{\"expression\":\"true\",\"action\":\"route\",\"action_parameters\":{\"origin\":{\"port\":" + b + "}}}]}");

            String wafA = plane.control.api().credentials().issueToken("waf-a", EnumSet.of(Permission.ZONE_WAF_WRITE), Set.of(zoneA), "test");
            long written = System.nanoTime();
            api(plane, "PUT", "/zones/" + zoneA + "/rulesets/phases/http_request_origin/entrypoint", wafA,
                    "{\"rules\":[{\"expression\":\"true\",\"action\":\"route\","
                            + "\"action_parameters\":{\"origin\":{\"host\":\"secret.zone-b.test\",\"port\":" + b + "}}}]}");
            int edge = plane.edge.listenerAddress(0).getPort();
            // zone B is served, and guarded, through its own host name
            TestControlPlane.awaitWithin(Duration.ofSeconds(5), written, () -> status(edge, "secret.zone-b.test", "/hello").equals("200"));
            assertThat(status(edge, "secret.zone-b.test", "/admin")).isEqualTo("403");
            assertThat(seenByB).containsExactly("/hello");

            // zone A's rule names zone B's record: the edge does not resolve it through zone B. Until the rule applies, zone A's
            // record routes to the edge's own address (403, a prohibited origin); once it does, the name does not resolve (5xx)
            TestControlPlane.awaitWithin(Duration.ofSeconds(5), written, () -> status(edge, "www.zone-a.test", "/x").startsWith("5"));
            for (String path : List.of("/steal/admin", "/admin", "/x")) {
                assertThat(status(edge, "www.zone-a.test", path)).as(path).startsWith("5");
            }
            assertThat(seenByB).as("zone B's origin received only zone B's own request").containsExactly("/hello");
        } finally {
            originB.stop(0);
            if (kind.equals("postgres")) {
                try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "")) {
                    c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    private static String status(int port, String host, String path) {
        try {
            String answer = RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            return answer.length() >= 12 ? answer.substring(9, 12) : answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode api(TestControlPlane plane, String method, String path, String token, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.adminPort() + "/client/v4" + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.path("success").asBoolean()).as(method + " " + path + ": " + response.body()).isTrue();
        return json;
    }
}
