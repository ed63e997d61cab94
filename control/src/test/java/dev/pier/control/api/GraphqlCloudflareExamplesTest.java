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

    /** The fields of Cloudflare's zone analytics example that Pier cannot know: no cache, content type, country, TLS or browser. */
    private static final List<String> UNKNOWN_TO_PIER = List.of("browserMap", "contentTypeMap", "clientSSLMap", "countryMap", "ipClassMap",
            "pageViews", "threatPathingMap");

    @Test
    void zoneAnalyticsToGraphqlNamesWhatPierCannotKnowAndAnswersTheRest() throws Exception {
        Instant minute = Instant.parse("2019-09-08T20:00:00Z");
        analytics.insert(List.of(
                record("z1", "example.com", minute.plusSeconds(1), "GET", "/", 200, 1_000, "https", "192.0.2.1"),
                record("z2", "example.com", minute.plusSeconds(2), "GET", "/a", 403, 200, "https", "192.0.2.2"),
                record("z3", "example.com", minute.plusSeconds(3), "GET", "/b", 200, 30, "http", "192.0.2.1"),
                record("z4", "example.com", minute.plusSeconds(61), "GET", "/", 200, 4_000, "https", "192.0.2.3"),
                record("z5", "example.com", minute.plusSeconds(121), "GET", "/", 200, 9, "https", "192.0.2.3"))); // past the range
        String query = resource("zone-analytics-to-graphql.graphql").replace("<ZONE_ID>", '"' + zoneId + '"');

        JsonNode refused = post(JSON.writeValueAsString(Map.of("query", query)));
        assertThat(refused.path("data").isNull()).as(refused.toString()).isTrue();
        List<String> messages = new java.util.ArrayList<>();
        refused.path("errors").forEach(e -> {
            assertThat(e.path("extensions").path("code").asText()).isEqualTo("validation");
            messages.add(e.path("message").asText());
        });
        assertThat(messages).hasSize(UNKNOWN_TO_PIER.size());
        UNKNOWN_TO_PIER.forEach(field -> assertThat(messages).anyMatch(m -> m.contains("'" + field + "'")));

        String known = query;
        for (String field : UNKNOWN_TO_PIER) { // each a block of leaves, or pageViews, a leaf once browserMap is gone
            known = known.replaceAll("\\s*" + field + " \\{[^}]*\\}", "").replaceAll("\\s*" + field + "\\n", "\n");
        }
        JsonNode answer = post(JSON.writeValueAsString(Map.of("query", known)));
        assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
        JsonNode minutes = answer.path("data").path("viewer").path("zones").get(0).path("httpRequests1mGroups");
        assertThat(minutes).hasSize(2);
        JsonNode first = minutes.get(0);
        assertThat(first.path("dimensions").path("datetimeMinute").asText()).isEqualTo("2019-09-08T20:00:00Z");
        assertThat(first.path("sum").path("requests").asLong()).isEqualTo(3);
        assertThat(first.path("sum").path("bytes").asLong()).isEqualTo(1_230);
        assertThat(first.path("sum").path("encryptedRequests").asLong()).isEqualTo(2);
        assertThat(first.path("sum").path("encryptedBytes").asLong()).isEqualTo(1_200);
        assertThat(first.path("sum").path("cachedRequests").asLong()).isZero();
        assertThat(first.path("sum").path("cachedBytes").asLong()).isZero();
        assertThat(first.path("sum").path("threats").asLong()).isZero();
        assertThat(first.path("sum").path("responseStatusMap").toString())
                .isEqualTo("[{\"requests\":2,\"edgeResponseStatus\":200},{\"requests\":1,\"edgeResponseStatus\":403}]");
        assertThat(first.path("uniq").path("uniques").asLong()).isEqualTo(2);
        JsonNode second = minutes.get(1);
        assertThat(second.path("dimensions").path("datetimeMinute").asText()).isEqualTo("2019-09-08T20:01:00Z");
        assertThat(second.path("sum").path("requests").asLong()).isEqualTo(1);
        assertThat(second.path("sum").path("encryptedBytes").asLong()).isEqualTo(4_000);
        assertThat(second.path("uniq").path("uniques").asLong()).isEqualTo(1);
    }

    @Test
    void theTypicalIntrospectionQueryDescribesTheNodes() throws Exception {
        JsonNode answer = post(JSON.writeValueAsString(Map.of("query", resource("introspection.graphql"))));

        assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
        JsonNode schema = answer.path("data").path("__schema");
        assertThat(schema.path("queryType").path("name").asText()).isEqualTo("Query");
        assertThat(schema.path("mutationType").isNull()).isTrue(); // Cloudflare's API answers queries only
        Map<String, List<String>> fields = new HashMap<>();
        schema.path("types").forEach(t -> {
            List<String> names = new java.util.ArrayList<>();
            t.path("fields").forEach(f -> names.add(f.path("name").asText()));
            fields.put(t.path("name").asText(), names);
        });
        assertThat(fields.get("Zone")).contains("httpRequestsAdaptiveGroups", "httpRequests1mGroups", "httpRequests1hGroups",
                "httpRequests1dGroups", "webSocketConnectionsAdaptiveGroups", "settings");
        assertThat(fields.get("ZoneHttpRequests1hGroupsSum")).contains("requests", "bytes", "threats", "encryptedRequests",
                "encryptedBytes", "cachedRequests", "cachedBytes", "responseStatusMap", "clientHTTPVersionMap");
        assertThat(fields.get("ZoneHttpRequestsAdaptiveGroupsDimensions")).contains("clientRequestScheme", "clientRequestHTTPProtocol");
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

    private static RequestLog record(String rayId, String host, Instant start, String method, String path, int status, long bytes,
                                     String scheme, String ip) {
        return RequestLog.builder().rayId(rayId).zoneName("example.com").clientIp(ip).clientRequestHost(host).clientRequestScheme(scheme)
                .clientRequestProtocol("HTTP/1.1").clientRequestMethod(method).clientRequestUri(path).edgeStartTimestamp(start)
                .edgeResponseStatus(status).edgeResponseBytes(bytes).webSocket(false).finish(start.plusMillis(1));
    }

    private static RequestLog record(String rayId, String host, Instant start, String method, String path, int status, long bytes) {
        return RequestLog.builder().rayId(rayId).zoneName("example.com").clientIp("192.0.2.1").clientRequestHost(host)
                .clientRequestMethod(method).clientRequestUri(path).edgeStartTimestamp(start).edgeResponseStatus(status)
                .edgeResponseBytes(bytes).webSocket(false).finish(start.plusMillis(1));
    }
}
