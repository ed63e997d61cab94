package dev.pier.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.Retention;
import dev.pier.control.TestStores;
import dev.pier.control.store.Store;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloudflare's documented GraphQL Analytics queries (src/test/resources/cloudflare-graphql-examples,
 * each with the page it is from), sent as the pages send them, answer in the documented shape
 * with figures equal to the records inserted.
 */
class GraphqlCloudflareExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    Store store;
    AnalyticsStore analytics;
    ControlApi api;
    String token;
    String zoneId;

    @BeforeEach
    void setUp() throws Exception {
        store = TestStores.embedded();
        api = new ControlApi(store);
        String admin = api.credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
        token = api.credentials().issueToken("analytics", EnumSet.of(Permission.ANALYTICS_READ), Set.of(), "test");
        zoneId = JSON.readTree(api.handle(request(admin, "{\"name\":\"example.com\"}", "/zones")).json()).path("result").path("id").asText();
        analytics = AnalyticsStore.open("analytics.duckdb", data, Retention.DEFAULT);
        api.analytics(analytics);
    }

    @AfterEach
    void tearDown() {
        analytics.close();
        store.close();
    }

    @Test
    void requestsAndDataTransferByHostname() throws Exception {
        Instant ten = Instant.parse("2022-07-21T10:00:00Z");
        Instant six = Instant.parse("2022-07-21T06:00:00Z");
        analytics.insert(List.of(
                record("a1", "hostname.example.com", ten.plusSeconds(5), "GET", "/", 200, 1_000),
                record("a2", "hostname.example.com", ten.plusSeconds(1_800), "GET", "/b", 200, 2_000),
                record("a3", "hostname.example.com", ten.plusSeconds(1_900), "POST", "/form", 200, 300), // not a visit
                record("a4", "hostname.example.com", six.plusSeconds(60), "GET", "/", 404, 40), // not a visit
                record("a5", "other.example.com", ten.plusSeconds(10), "GET", "/", 200, 99_999), // another host
                record("a6", "hostname.example.com", Instant.parse("2022-07-24T12:00:00Z"), "GET", "/", 200, 7))); // past the range

        String payload = resource("requests-and-data-transfer-by-hostname.json")
                .replace("\n", "") // | tr -d '\n'
                .replace("<CLOUDFLARE_ZONE_ID>", zoneId);
        JsonNode answer = post(payload);

        assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
        JsonNode groups = answer.path("data").path("viewer").path("zones").get(0).path("httpRequestsAdaptiveGroups");
        Map<String, JsonNode> byHour = new HashMap<>();
        groups.forEach(g -> byHour.put(g.path("dimensions").path("datetimeHour").asText(), g.path("sum")));
        assertThat(byHour).containsOnlyKeys("2022-07-21T10:00:00Z", "2022-07-21T06:00:00Z");
        assertThat(byHour.get("2022-07-21T10:00:00Z").path("edgeResponseBytes").asLong()).isEqualTo(3_300);
        assertThat(byHour.get("2022-07-21T10:00:00Z").path("visits").asLong()).isEqualTo(2);
        assertThat(byHour.get("2022-07-21T06:00:00Z").path("edgeResponseBytes").asLong()).isEqualTo(40);
        assertThat(byHour.get("2022-07-21T06:00:00Z").path("visits").asLong()).isZero();
        assertThat(groups.get(0).fieldNames()).toIterable().containsExactlyInAnyOrder("sum", "dimensions");
    }

    @Test
    void top10ConsumingUrls() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<RequestLog> records = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) { // twelve paths: the top ten are kept
            for (int j = 0; j <= i; j++) {
                records.add(record("p" + i + "-" + j, "example.com", now.minus(i + 1, ChronoUnit.DAYS), "GET", "/p" + i, 200, 100));
            }
        }
        records.add(record("old", "example.com", now.minus(31, ChronoUnit.DAYS), "GET", "/p0", 200, 1_000_000)); // before OLDDATE
        analytics.insert(records);

        String payload = resource("top-10-consuming-urls.json") // as the shell expands the script's variables
                .replace("'$ARG'", zoneId)
                .replace("'$OLDDATE'", now.minus(30, ChronoUnit.DAYS).toString())
                .replace("'$CURRENTDATE'", now.toString());
        JsonNode answer = post(payload);

        assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
        JsonNode top = answer.path("data").path("viewer").path("zones").get(0).path("topPaths");
        assertThat(top).hasSize(10);
        for (int rank = 0; rank < 10; rank++) {
            int path = 11 - rank;
            assertThat(top.get(rank).path("dimensions").path("metric").asText()).isEqualTo("/p" + path);
            assertThat(top.get(rank).path("count").asLong()).isEqualTo(path + 1);
            assertThat(top.get(rank).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(100L * (path + 1));
        }
    }

    private JsonNode post(String payload) throws Exception {
        ApiResponse response = api.handle(request(token, payload, "/graphql"));
        assertThat(response.status()).isEqualTo(200);
        return JSON.readTree(response.json());
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = GraphqlCloudflareExamplesTest.class.getResourceAsStream("/cloudflare-graphql-examples/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ApiRequest request(String token, String body, String path) {
        return new ApiRequest("POST", path, Map.of(), Map.of("authorization", "Bearer " + token), body.getBytes(StandardCharsets.UTF_8));
    }

    private static RequestLog record(String rayId, String host, Instant start, String method, String path, int status, long bytes) {
        return RequestLog.builder().rayId(rayId).zoneName("example.com").clientIp("192.0.2.1").clientRequestHost(host)
                .clientRequestMethod(method).clientRequestUri(path).edgeStartTimestamp(start).edgeResponseStatus(status)
                .edgeResponseBytes(bytes).webSocket(false).finish(start.plusMillis(1));
    }
}
