package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.cli.PierProcesses;
import dev.pier.cli.demo.EchoOrigin;
import dev.pier.control.StoredZones;
import dev.pier.control.api.ControlApi;
import dev.pier.control.api.Permission;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier serve --store}: the admin listener's {@code POST /client/v4/graphql} answers from
 * the node's analytics store when the configuration turns analytics on, and says analytics are
 * off when it does not.
 */
class GraphqlProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 5;
    private static final String QUERY = """
            query ($zoneTag: string, $start: Time) {
              viewer { zones(filter: {zoneTag: $zoneTag}) {
                httpRequestsAdaptiveGroups(limit: 10, filter: {datetime_geq: $start}) { count dimensions { clientRequestPath } }
              } }
            }""";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void withAnalyticsOnTheNodesRequestsAreCounted() throws Exception {
        Instant start = Instant.now().minusSeconds(60);
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            String[] zoneAndToken = storeWithZone(origin.port());
            Process pier = serve("analytics: {}\n");
            try {
                int port = PierProcesses.loggedPort(dir, "pier", "Listening on");
                int admin = PierProcesses.loggedPort(dir, "pier", "Admin listener on");
                for (int i = 0; i < REQUESTS; i++) {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).build(),
                            HttpResponse.BodyHandlers.ofString());
                }
                JsonNode groups = null;
                for (int i = 0; i < 300; i++) { // records are shipped in batches, off the request path
                    JsonNode answer = graphql(admin, zoneAndToken, start);
                    assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
                    groups = answer.path("data").path("viewer").path("zones").get(0).path("httpRequestsAdaptiveGroups");
                    if (groups.size() == 1 && groups.get(0).path("count").asLong() == REQUESTS) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(groups.get(0).path("count").asLong()).as(groups.toString()).isEqualTo(REQUESTS);
                assertThat(groups.get(0).path("dimensions").path("clientRequestPath").asText()).isEqualTo("/hello");
            } finally {
                pier.destroy();
                pier.waitFor();
            }
        }
    }

    @Test
    void withAnalyticsOffTheAnswerSaysSo() throws Exception {
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            String[] zoneAndToken = storeWithZone(origin.port());
            Process pier = serve("");
            try {
                int admin = PierProcesses.loggedPort(dir, "pier", "Admin listener on");
                JsonNode answer = graphql(admin, zoneAndToken, Instant.now().minusSeconds(60));
                assertThat(answer.path("errors").get(0).path("message").asText()).contains("analytics are off");
            } finally {
                pier.destroy();
                pier.waitFor();
            }
        }
    }

    /** The zone's id and a token with Analytics Read, in an embedded store in {@code dir/store}. */
    private String[] storeWithZone(int originPort) throws Exception {
        Path zones = Files.writeString(dir.resolve("zones.yaml"),
                "listeners: [ { address: 127.0.0.1:1 } ]\n" + TestControlPlane.zoneInFrontOf(originPort));
        try (Store store = JdbcStore.embedded(dir.resolve("store"))) {
            StoredZones.importYaml(zones, store, "test");
            String zoneId = store.zones("127.0.0.1", 1, 1).items().get(0).id();
            String token = new ControlApi(store).credentials().issueToken("analytics", EnumSet.of(Permission.ANALYTICS_READ), Set.of(),
                    "test");
            return new String[] {zoneId, token};
        }
    }

    private Process serve(String analytics) throws Exception {
        Path config = Files.writeString(dir.resolve("pier.yaml"), "listeners: [ { address: 127.0.0.1:0 } ]\n"
                + "admin: { address: 127.0.0.1:0 }\nrequest_log: \"-\"\nzones: []\n" + analytics);
        return PierProcesses.start(dir, "pier", "serve", "--config", config.toString(), "--store", "embedded:" + dir.resolve("store"));
    }

    private JsonNode graphql(int admin, String[] zoneAndToken, Instant start) throws Exception {
        String body = JSON.writeValueAsString(Map.of("query", QUERY, "variables", Map.of("zoneTag", zoneAndToken[0], "start", start.toString())));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/client/v4/graphql"))
                .header("Authorization", "Bearer " + zoneAndToken[1]).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
