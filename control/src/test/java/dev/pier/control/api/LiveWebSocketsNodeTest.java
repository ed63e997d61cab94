package dev.pier.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.LiveWebSocket;
import dev.pier.control.TestStores;
import dev.pier.control.store.Store;
import java.nio.charset.StandardCharsets;
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

/**
 * {@code webSocketConnectionsLive} through the real API, with analytics off: the shape
 * schema.md agreed, count and sums over what the filter lets through, the limit, orders, and
 * errors in Cloudflare's shape.
 */
class LiveWebSocketsNodeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String LIVE = """
            query ($zoneTag: string, $filter: ZoneWebSocketConnectionsLiveFilter_InputObject, $limit: uint64) {
              viewer {
                zones(filter: { zoneTag: $zoneTag }) {
                  webSocketConnectionsLive(limit: $limit, filter: $filter) {
                    count
                    sum { clientMessages originMessages clientRequestBytes edgeResponseBytes }
                    connections {
                      connectionId rayId clientIP clientRequestHTTPHost clientRequestPath startedAt ageSeconds
                      clientMessages originMessages clientRequestBytes edgeResponseBytes node
                    }
                  }
                }
              }
            }""";

    Store store;
    ControlApi api;
    String token;
    String zoneId;
    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** The open WebSockets by zone name, as the edges would answer. */
    final Map<String, List<LiveWebSocket>> open = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        store = TestStores.embedded();
        api = new ControlApi(store);
        String admin = api.credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
        token = api.credentials().issueToken("analytics", EnumSet.of(Permission.ANALYTICS_READ), Set.of(), "test");
        zoneId = JSON.readTree(api.handle(request("/zones", admin, "{\"name\":\"chat.example\"}")).json()).path("result").path("id").asText();
        open.put("chat.example", List.of(
                ws("node-a", "r-young", "/room/1", 5, 10, 3, 4),
                ws("node-b", "r-old", "/room/2", 300, 20, 30, 40),
                ws("node-a", "r-mid", "/lobby", 60, 7, 0, 1)));
        open.put("other.example", List.of(ws("node-a", "r-other", "/", 1, 1, 1, 1)));
        api.liveWebSockets(zone -> open.getOrDefault(zone, List.of())); // no analytics store: live figures come from the edges
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private LiveWebSocket ws(String node, String rayId, String path, long ageSeconds, long clientMessages, long originMessages,
                             long edgeBytes) {
        return new LiveWebSocket(node, "chat.example", rayId, "192.0.2.1", "chat.example", path, now.minusSeconds(ageSeconds),
                clientMessages, originMessages, 100 + clientMessages, edgeBytes);
    }

    @Test
    void answersInTheAgreedShapeOldestFirstWithAnalyticsOff() throws Exception {
        JsonNode live = live(ask(LIVE, Map.of("zoneTag", zoneId)));
        assertThat(live.path("count").asLong()).isEqualTo(3);
        assertThat(live.path("sum").path("clientMessages").asLong()).isEqualTo(37);
        assertThat(live.path("sum").path("originMessages").asLong()).isEqualTo(33);
        assertThat(live.path("sum").path("clientRequestBytes").asLong()).isEqualTo(337);
        assertThat(live.path("sum").path("edgeResponseBytes").asLong()).isEqualTo(45);
        JsonNode connections = live.path("connections");
        assertThat(connections).extracting(c -> c.path("rayId").asText()).containsExactly("r-old", "r-mid", "r-young");
        JsonNode old = connections.get(0);
        assertThat(old.path("connectionId").asText()).isEqualTo("r-old");
        assertThat(old.path("clientIP").asText()).isEqualTo("192.0.2.1");
        assertThat(old.path("clientRequestHTTPHost").asText()).isEqualTo("chat.example");
        assertThat(old.path("clientRequestPath").asText()).isEqualTo("/room/2");
        assertThat(old.path("startedAt").asText()).isEqualTo(now.minusSeconds(300).toString());
        assertThat(old.path("ageSeconds").asLong()).isBetween(300L, 310L);
        assertThat(old.path("clientMessages").asLong()).isEqualTo(20);
        assertThat(old.path("originMessages").asLong()).isEqualTo(30);
        assertThat(old.path("clientRequestBytes").asLong()).isEqualTo(120);
        assertThat(old.path("edgeResponseBytes").asLong()).isEqualTo(40);
        assertThat(old.path("node").asText()).isEqualTo("node-b");
    }

    @Test
    void countAndSumsCoverWhatTheFilterKeepsAndTheLimitCutsOnlyTheList() throws Exception {
        JsonNode live = live(ask(LIVE, Map.of("zoneTag", zoneId, "limit", 1,
                "filter", Map.of("clientRequestPath_like", "/room/%", "node_in", List.of("node-a", "node-b")))));
        assertThat(live.path("count").asLong()).isEqualTo(2);
        assertThat(live.path("sum").path("clientMessages").asLong()).isEqualTo(30);
        assertThat(live.path("connections")).extracting(c -> c.path("rayId").asText()).containsExactly("r-old");

        JsonNode young = live(ask(LIVE, Map.of("zoneTag", zoneId, "filter", Map.of("AND", List.of(
                Map.of("ageSeconds_lt", 120), Map.of("node", "node-a"))))));
        assertThat(young.path("connections")).extracting(c -> c.path("rayId").asText()).containsExactly("r-mid", "r-young");
        assertThat(live(ask(LIVE, Map.of("zoneTag", zoneId, "filter", Map.of("clientRequestHTTPHost_neq", "chat.example"))))
                .path("count").asLong()).isZero();
    }

    @Test
    void ordersByACounterOrAge() throws Exception {
        String query = """
                query ($zoneTag: string) { viewer { zones(filter: { zoneTag: $zoneTag }) {
                  busiest: webSocketConnectionsLive(orderBy: [edgeResponseBytes_DESC]) { connections { rayId } }
                  youngest: webSocketConnectionsLive(orderBy: [ageSeconds_ASC], limit: 2) { count connections { rayId } }
                } } }""";
        JsonNode zone = ask(query, Map.of("zoneTag", zoneId)).path("data").path("viewer").path("zones").get(0);
        assertThat(zone.path("busiest").path("connections")).extracting(c -> c.path("rayId").asText())
                .containsExactly("r-old", "r-young", "r-mid");
        assertThat(zone.path("youngest").path("count").asLong()).isEqualTo(3);
        assertThat(zone.path("youngest").path("connections")).extracting(c -> c.path("rayId").asText()).containsExactly("r-young", "r-mid");
    }

    @Test
    void badLimitsAndAMissingEdgeAreErrorsInCloudflaresShape() throws Exception {
        JsonNode zero = ask(LIVE, Map.of("zoneTag", zoneId, "limit", 0));
        assertThat(zero.path("errors").get(0).path("message").asText()).isEqualTo("limit: 0 (expected: 1 to 10000)");
        assertThat(zero.path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("bad_input");
        assertThat(zero.path("errors").get(0).path("path").toString()).contains("webSocketConnectionsLive");

        api.liveWebSockets(null);
        JsonNode none = ask(LIVE, Map.of("zoneTag", zoneId));
        assertThat(none.path("errors").get(0).path("message").asText()).contains("this process runs no edge");
    }

    @Test
    void introspectionShowsTheNode() throws Exception {
        JsonNode type = ask("{ __type(name: \"LiveWebSocketConnection\") { fields { name } } }", Map.of()).path("data").path("__type");
        assertThat(type.path("fields")).extracting(f -> f.path("name").asText()).containsExactly("connectionId", "rayId", "clientIP",
                "clientRequestHTTPHost", "clientRequestPath", "startedAt", "ageSeconds", "clientMessages", "originMessages",
                "clientRequestBytes", "edgeResponseBytes", "node");
    }

    private JsonNode ask(String query, Map<String, Object> variables) throws Exception {
        ApiResponse response = api.handle(request("/graphql", token, JSON.writeValueAsString(Map.of("query", query, "variables", variables))));
        assertThat(response.status()).isEqualTo(200);
        return JSON.readTree(response.json());
    }

    private static JsonNode live(JsonNode answer) {
        assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
        return answer.path("data").path("viewer").path("zones").get(0).path("webSocketConnectionsLive");
    }

    private static ApiRequest request(String path, String token, String body) {
        return new ApiRequest("POST", path, Map.of(), Map.of("authorization", "Bearer " + token), body.getBytes(StandardCharsets.UTF_8));
    }
}
