package dev.pier.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.Retention;
import dev.pier.control.TestStores;
import dev.pier.control.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /graphql} through the real API, answering from a real DuckDB analytics store:
 * Cloudflare's query shapes, counts and byte sums equal to the records inserted, filters,
 * orders, who may ask, and errors in Cloudflare's shape.
 */
class GraphqlApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Cloudflare's documented shape of an adaptive query: variables typed with its scalar and input names. */
    private static final String ADAPTIVE = """
            query GetZoneAnalytics($zoneTag: string, $filter: ZoneHttpRequestsAdaptiveGroupsFilter_InputObject) {
              viewer {
                zones(filter: { zoneTag: $zoneTag }) {
                  httpRequestsAdaptiveGroups(limit: 100, filter: $filter, orderBy: [datetimeHour_ASC]) {
                    count
                    sum { edgeResponseBytes visits }
                    dimensions { datetimeHour }
                  }
                }
              }
            }""";

    @TempDir
    Path data;
    Store store;
    AnalyticsStore analytics;
    ControlApi api;
    String analyticsToken;
    String zoneReadToken;
    String zoneId;
    /** The start of the hour the records begin in. */
    Instant hour;

    @BeforeEach
    void setUp() throws Exception {
        store = TestStores.embedded();
        api = new ControlApi(store);
        String admin = api.credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
        analyticsToken = api.credentials().issueToken("analytics", EnumSet.of(Permission.ANALYTICS_READ), Set.of(), "test");
        zoneReadToken = api.credentials().issueToken("zones", EnumSet.of(Permission.ZONE_READ), Set.of(), "test");
        zoneId = JSON.readTree(api.handle(request("POST", "/zones", admin, "{\"name\":\"example.com\"}")).json())
                .path("result").path("id").asText();
        analytics = AnalyticsStore.open("analytics.duckdb", data, Retention.DEFAULT);
        hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
        analytics.insert(List.of(
                record("r1", "example.com", 1, "GET", "/", 200, 1_000, null, false),
                record("r2", "example.com", 1, "GET", "/a", 200, 2_000, null, false),
                record("r3", "example.com", 2, "GET", "/a", 404, 300, null, false),
                record("r4", "example.com", 2, "GET", "/ws", 101, 5_000, null, true),
                record("r5", "example.com", 61, "GET", "/admin", 403, 100, "block", false),
                record("r6", "other.example", 1, "GET", "/", 200, 99_999, null, false)));
        api.analytics(analytics);
    }

    @AfterEach
    void tearDown() {
        analytics.close();
        store.close();
    }

    @Test
    void anAdaptiveQueryInCloudflaresShapeCountsRequestsAndSumsBytes() throws Exception {
        JsonNode groups = groups(ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", range())), "httpRequestsAdaptiveGroups");

        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).path("dimensions").path("datetimeHour").asText()).isEqualTo(hour.toString());
        assertThat(groups.get(0).path("count").asLong()).isEqualTo(4); // the upgrade counts once
        assertThat(groups.get(0).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(8_300);
        assertThat(groups.get(0).path("sum").path("visits").asLong()).isEqualTo(2); // GET 2xx, not the upgrade
        assertThat(groups.get(1).path("dimensions").path("datetimeHour").asText()).isEqualTo(hour.plusSeconds(3600).toString());
        assertThat(groups.get(1).path("count").asLong()).isEqualTo(1);
        assertThat(groups.get(1).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(100);
    }

    @Test
    void filtersWithCloudflaresSuffixesAndOr() throws Exception {
        ObjectNode filter = range();
        filter.putArray("OR").add(JSON.createObjectNode().put("edgeResponseStatus", 200))
                .add(JSON.createObjectNode().put("edgeResponseStatus", 404));
        filter.put("clientRequestPath_like", "/a%");
        JsonNode statuses = groups(ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", filter)), "httpRequestsAdaptiveGroups");
        assertThat(statuses).hasSize(1);
        assertThat(statuses.get(0).path("count").asLong()).isEqualTo(2);
        assertThat(statuses.get(0).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(2_300);

        JsonNode upgrades = groups(ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", range().put("webSocketUpgrade", true))),
                "httpRequestsAdaptiveGroups");
        assertThat(upgrades).hasSize(1);
        assertThat(upgrades.get(0).path("count").asLong()).isEqualTo(1);
        assertThat(upgrades.get(0).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(5_000);
    }

    @Test
    void anOrAcrossDimensionsNestsInCloudflaresShape() throws Exception {
        ObjectNode filter = JSON.createObjectNode();
        ArrayNode and = filter.putArray("AND");
        and.addObject().putArray("OR").add(JSON.createObjectNode().put("edgeResponseStatus", 404))
                .add(JSON.createObjectNode().put("clientRequestPath_like", "/w%"));
        and.add(range());
        JsonNode groups = groups(ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", filter)), "httpRequestsAdaptiveGroups");
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).path("count").asLong()).isEqualTo(2); // the 404 on /a and the upgrade on /ws
        assertThat(groups.get(0).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(5_300);

        ObjectNode timeUnderOr = range();
        timeUnderOr.putArray("OR").add(JSON.createObjectNode().put("datetime_geq", hour.toString()))
                .add(JSON.createObjectNode().put("edgeResponseStatus", 200));
        JsonNode error = ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", timeUnderOr)).path("errors").get(0);
        assertThat(error.path("message").asText()).contains("datetime_geq under OR").contains("expected: time bounds outside any OR");
        assertThat(error.path("extensions").path("code").asText()).isEqualTo("bad_input");
    }

    @Test
    void severalOrderTermsApplyInTurn() throws Exception {
        String query = """
                query ($zoneTag: string, $start: Time, $end: Time) {
                  viewer {
                    zones(filter: { zoneTag: $zoneTag }) {
                      paths: httpRequestsAdaptiveGroups(limit: 10, filter: { datetime_geq: $start, datetime_lt: $end },
                          orderBy: [webSocketUpgrade_DESC, count_DESC]) {
                        count
                        dimensions { clientRequestPath webSocketUpgrade }
                      }
                    }
                  }
                }""";
        JsonNode paths = groups(ask(query, Map.of("zoneTag", zoneId, "start", hour.toString(), "end", hour.plusSeconds(7200).toString())),
                "paths");

        // the upgrade first, then by count, ties by path
        assertThat(paths.findValuesAsText("clientRequestPath")).containsExactly("/ws", "/a", "/", "/admin");
        assertThat(paths.findValues("count").stream().map(JsonNode::asLong).toList()).containsExactly(1L, 2L, 1L, 1L);
    }

    @Test
    void ordersByAnAggregateAndKeepsTheTopN() throws Exception {
        String query = """
                query ($zoneTag: string, $start: Time, $end: Time) {
                  viewer {
                    zones(filter: { zoneTag: $zoneTag }) {
                      top: httpRequestsAdaptiveGroups(limit: 2, filter: { datetime_geq: $start, datetime_lt: $end },
                          orderBy: [sum_edgeResponseBytes_DESC]) {
                        count
                        sum { edgeResponseBytes }
                        dimensions { clientRequestPath webSocketUpgrade }
                      }
                    }
                  }
                }""";
        JsonNode top = groups(ask(query, Map.of("zoneTag", zoneId, "start", hour.toString(), "end", hour.plusSeconds(7200).toString())),
                "top");

        assertThat(top).hasSize(2);
        assertThat(top.get(0).path("dimensions").path("clientRequestPath").asText()).isEqualTo("/ws");
        assertThat(top.get(0).path("dimensions").path("webSocketUpgrade").asBoolean()).isTrue();
        assertThat(top.get(0).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(5_000);
        assertThat(top.get(1).path("dimensions").path("clientRequestPath").asText()).isEqualTo("/a");
        assertThat(top.get(1).path("count").asLong()).isEqualTo(2);
        assertThat(top.get(1).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(2_300);
    }

    @Test
    void theHourlyRollupNodeSumsRequestsBytesAndThreats() throws Exception {
        String query = """
                {
                  viewer {
                    zones(filter: { zoneTag: "%s" }) {
                      httpRequests1hGroups(limit: 5, orderBy: [datetime_DESC], filter: { datetime_geq: "%s", datetime_lt: "%s" }) {
                        sum { requests bytes threats }
                        dimensions { datetime }
                      }
                    }
                  }
                }""".formatted(zoneId, hour, hour.plusSeconds(7200));
        JsonNode hours = groups(ask(query, Map.of()), "httpRequests1hGroups");

        assertThat(hours).hasSize(2);
        assertThat(hours.get(0).path("dimensions").path("datetime").asText()).isEqualTo(hour.plusSeconds(3600).toString());
        assertThat(hours.get(0).path("sum").path("requests").asLong()).isEqualTo(1);
        assertThat(hours.get(0).path("sum").path("threats").asLong()).isEqualTo(1);
        assertThat(hours.get(1).path("sum").path("requests").asLong()).isEqualTo(4);
        assertThat(hours.get(1).path("sum").path("bytes").asLong()).isEqualTo(8_300);
        assertThat(hours.get(1).path("sum").path("threats").asLong()).isZero();
    }

    @Test
    void theDailyRollupNodeTakesDatesAndStatusComparisons() throws Exception {
        String query = """
                query ($zoneTag: string, $since: Date, $until: Date) {
                  viewer {
                    zones(filter: { zoneTag: $zoneTag }) {
                      httpRequests1dGroups(limit: 7, filter: { date_geq: $since, date_leq: $until }, orderBy: [date_ASC]) {
                        sum { requests bytes threats }
                        dimensions { date }
                      }
                    }
                  }
                }""";
        String since = hour.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
        String until = hour.plusSeconds(3600).atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
        JsonNode days = groups(ask(query, Map.of("zoneTag", zoneId, "since", since, "until", until)), "httpRequests1dGroups");

        assertThat(days.findValuesAsText("date")).allMatch(d -> d.equals(since) || d.equals(until));
        assertThat(days.findValues("requests").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(5);
        assertThat(days.findValues("bytes").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(8_400);
        assertThat(days.findValues("threats").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(1);

        JsonNode errors = groups(ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", range().put("edgeResponseStatus_geq", 400)
                .put("edgeResponseStatus_neq", 403))), "httpRequestsAdaptiveGroups");
        assertThat(errors.findValues("count").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(1); // the 404
    }

    @Test
    void rollupNodesCountDistinctClientsAndRequestsByStatus() throws Exception {
        analytics.insert(List.of(fromIp("r7", "198.51.100.7", 3, 200), fromIp("r8", "198.51.100.8", 62, 200),
                fromIp("r9", "198.51.100.8", 63, 200)));
        String query = """
                query ($zoneTag: string, $start: Time, $end: Time) {
                  viewer { zones(filter: {zoneTag: $zoneTag}) {
                    hours: httpRequests1hGroups(limit: 10, filter: {datetime_geq: $start, datetime_lt: $end}, orderBy: [datetime_ASC]) {
                      sum { requests responseStatusMap { edgeResponseStatus requests } } uniq { uniques } dimensions { datetime }
                    }
                    total: httpRequests1hGroups(limit: 10, filter: {datetime_geq: $start, datetime_lt: $end}) {
                      sum { requests responseStatusMap { edgeResponseStatus requests } } uniq { uniques }
                    }
                  } }
                }""";
        JsonNode answer = ask(query, Map.of("zoneTag", zoneId, "start", hour.toString(), "end", hour.plusSeconds(7200).toString()));
        JsonNode hours = groups(answer, "hours");
        assertThat(hours).hasSize(2);
        assertThat(hours.get(0).path("uniq").path("uniques").asLong()).isEqualTo(2); // 192.0.2.1 four times, 198.51.100.7 once
        assertThat(statusMap(hours.get(0))).isEqualTo(Map.of(101, 1L, 200, 3L, 404, 1L));
        assertThat(hours.get(1).path("uniq").path("uniques").asLong()).isEqualTo(2); // 192.0.2.1 once, 198.51.100.8 twice
        assertThat(statusMap(hours.get(1))).isEqualTo(Map.of(200, 2L, 403, 1L));
        JsonNode total = groups(answer, "total");
        assertThat(total).hasSize(1);
        assertThat(total.get(0).path("sum").path("requests").asLong()).isEqualTo(8);
        assertThat(total.get(0).path("uniq").path("uniques").asLong()).isEqualTo(3);
        assertThat(statusMap(total.get(0))).isEqualTo(Map.of(101, 1L, 200, 5L, 403, 1L, 404, 1L));
    }

    @Test
    void rollupNodesSumEncryptedAndCachedTrafficAndRequestsByHttpVersion() throws Exception {
        Instant later = hour.plusSeconds(7200); // apart from the records of setUp
        analytics.insert(List.of(
                scheme("e1", later.plusSeconds(60), "https", "HTTP/1.1", 200, 1_000),
                scheme("e2", later.plusSeconds(120), "https", "HTTP/2", 200, 500),
                scheme("e3", later.plusSeconds(180), "http", "HTTP/1.1", 301, 100),
                scheme("e4", later.plusSeconds(240), "http", "HTTP/1.0", 200, 10)));
        String query = """
                query ($zoneTag: string, $start: Time, $end: Time) {
                  viewer { zones(filter: {zoneTag: $zoneTag}) {
                    hours: httpRequests1hGroups(limit: 10, filter: {datetime_geq: $start, datetime_lt: $end}) {
                      sum { requests bytes encryptedRequests encryptedBytes cachedRequests cachedBytes
                            clientHTTPVersionMap { clientHTTPProtocol requests } }
                      dimensions { datetime }
                    }
                    minutes: httpRequests1mGroups(limit: 10, filter: {datetime_geq: $start, datetime_lt: $end}, orderBy: [datetimeMinute_ASC]) {
                      sum { encryptedRequests encryptedBytes }
                      dimensions { datetimeMinute }
                    }
                  } }
                }""";
        JsonNode answer = ask(query, Map.of("zoneTag", zoneId, "start", later.toString(), "end", later.plusSeconds(3600).toString()));
        JsonNode hours = groups(answer, "hours");
        assertThat(hours).hasSize(1);
        JsonNode sum = hours.get(0).path("sum");
        assertThat(sum.path("requests").asLong()).isEqualTo(4);
        assertThat(sum.path("bytes").asLong()).isEqualTo(1_610);
        assertThat(sum.path("encryptedRequests").asLong()).isEqualTo(2);
        assertThat(sum.path("encryptedBytes").asLong()).isEqualTo(1_500);
        assertThat(sum.path("cachedRequests").asLong()).isZero(); // Pier does not cache
        assertThat(sum.path("cachedBytes").asLong()).isZero();
        Map<String, Long> versions = new java.util.HashMap<>();
        sum.path("clientHTTPVersionMap").forEach(e -> versions.put(e.path("clientHTTPProtocol").asText(), e.path("requests").asLong()));
        assertThat(versions).isEqualTo(Map.of("HTTP/1.0", 1L, "HTTP/1.1", 2L, "HTTP/2", 1L));
        JsonNode minutes = groups(answer, "minutes");
        assertThat(minutes).hasSize(4);
        assertThat(minutes.findValues("encryptedRequests")).extracting(JsonNode::asLong).containsExactly(1L, 1L, 0L, 0L);
        assertThat(minutes.findValues("encryptedBytes")).extracting(JsonNode::asLong).containsExactly(1_000L, 500L, 0L, 0L);
    }

    @Test
    void theAdaptiveNodeGroupsAndFiltersBySchemeAndHttpVersion() throws Exception {
        Instant later = hour.plusSeconds(7200);
        analytics.insert(List.of(
                scheme("e1", later.plusSeconds(60), "https", "HTTP/1.1", 200, 1_000),
                scheme("e2", later.plusSeconds(120), "https", "HTTP/1.1", 200, 500),
                scheme("e3", later.plusSeconds(180), "http", "HTTP/1.0", 301, 100)));
        String query = """
                query ($zoneTag: string, $filter: ZoneHttpRequestsAdaptiveGroupsFilter_InputObject) {
                  viewer { zones(filter: {zoneTag: $zoneTag}) {
                    httpRequestsAdaptiveGroups(limit: 10, filter: $filter, orderBy: [count_DESC]) {
                      count sum { edgeResponseBytes } dimensions { clientRequestScheme clientRequestHTTPProtocol }
                    }
                  } }
                }""";
        ObjectNode range = JSON.createObjectNode().put("datetime_geq", later.toString()).put("datetime_lt", later.plusSeconds(3600).toString());
        JsonNode all = groups(ask(query, Map.of("zoneTag", zoneId, "filter", range)), "httpRequestsAdaptiveGroups");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).path("dimensions").path("clientRequestScheme").asText()).isEqualTo("https");
        assertThat(all.get(0).path("dimensions").path("clientRequestHTTPProtocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(all.get(0).path("count").asLong()).isEqualTo(2);
        assertThat(all.get(0).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(1_500);
        assertThat(all.get(1).path("dimensions").path("clientRequestScheme").asText()).isEqualTo("http");
        assertThat(all.get(1).path("dimensions").path("clientRequestHTTPProtocol").asText()).isEqualTo("HTTP/1.0");

        JsonNode clear = groups(ask(query, Map.of("zoneTag", zoneId, "filter", range.deepCopy().put("clientRequestScheme", "http"))),
                "httpRequestsAdaptiveGroups");
        assertThat(clear).hasSize(1);
        assertThat(clear.get(0).path("count").asLong()).isEqualTo(1);
        assertThat(clear.get(0).path("sum").path("edgeResponseBytes").asLong()).isEqualTo(100);
    }

    @Test
    void aFieldPierCannotKnowIsAValidationErrorNamingIt() throws Exception {
        JsonNode answer = ask("""
                query ($zoneTag: string, $start: Time, $end: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {
                  httpRequests1hGroups(limit: 1, filter: {datetime_geq: $start, datetime_lt: $end}) {
                    sum { requests countryMap { clientCountryName requests } } } } } }""",
                Map.of("zoneTag", zoneId, "start", hour.toString(), "end", hour.plusSeconds(3600).toString()));
        assertThat(answer.path("data").isNull()).isTrue();
        assertThat(answer.path("errors").get(0).path("message").asText()).contains("countryMap");
        assertThat(answer.path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("validation");
    }

    @Test
    void theAdaptiveNodesSampleIntervalIsOne() throws Exception {
        JsonNode groups = groups(ask("""
                query ($zoneTag: string, $filter: ZoneHttpRequestsAdaptiveGroupsFilter_InputObject) { viewer { zones(filter: {zoneTag: $zoneTag}) {
                  httpRequestsAdaptiveGroups(limit: 5, filter: $filter) { count avg { sampleInterval } } } } }""",
                Map.of("zoneTag", zoneId, "filter", range())), "httpRequestsAdaptiveGroups");
        assertThat(groups.get(0).path("count").asLong()).isEqualTo(5);
        assertThat(groups.get(0).path("avg").path("sampleInterval").asDouble()).isEqualTo(1.0);
    }

    @Test
    void theWebSocketNodeShowsClosedConnections() throws Exception {
        String query = """
                query ($zoneTag: string, $start: Time, $end: Time) {
                  viewer { zones(filter: {zoneTag: $zoneTag}) {
                    webSocketConnectionsAdaptiveGroups(limit: 10, filter: {datetime_geq: $start, datetime_lt: $end}, orderBy: [count_DESC]) {
                      count
                      sum { durationMs clientMessages originMessages clientRequestBytes edgeResponseBytes }
                      avg { durationMs }
                      quantiles { durationMsP50 durationMsP90 durationMsP99 }
                      dimensions { datetimeMinute clientRequestPath connectionCloseCode connectionCloseReason connectionCloseSource }
                    }
                  } }
                }""";
        JsonNode groups = groups(ask(query, Map.of("zoneTag", zoneId, "start", hour.toString(), "end", hour.plusSeconds(7200).toString())),
                "webSocketConnectionsAdaptiveGroups");
        assertThat(groups).hasSize(1);
        JsonNode ws = groups.get(0);
        assertThat(ws.path("count").asLong()).isEqualTo(1);
        assertThat(ws.path("sum").path("edgeResponseBytes").asLong()).isEqualTo(5_000);
        assertThat(ws.path("sum").path("durationMs").asLong()).isEqualTo(5);
        assertThat(ws.path("avg").path("durationMs").asDouble()).isEqualTo(5.0);
        assertThat(ws.path("quantiles").path("durationMsP99").asDouble()).isEqualTo(5.0);
        assertThat(ws.path("dimensions").path("datetimeMinute").asText()).isEqualTo(hour.plusSeconds(120).toString());
        assertThat(ws.path("dimensions").path("clientRequestPath").asText()).isEqualTo("/ws");
        assertThat(ws.path("dimensions").path("connectionCloseCode").asInt()).isEqualTo(1000);
        assertThat(ws.path("dimensions").path("connectionCloseReason").asText()).isEqualTo("none");
        assertThat(ws.path("dimensions").path("connectionCloseSource").asText()).isEqualTo("downstream");
    }

    @Test
    void theSettingsNodeReportsEachNodesLimits() throws Exception {
        JsonNode settings = groups(ask("""
                query ($zoneTag: string) { viewer { zones(filter: {zoneTag: $zoneTag}) { settings {
                  httpRequestsAdaptiveGroups { enabled maxDuration maxNumberOfFields maxPageSize notOlderThan availableFields }
                  httpRequests1hGroups { maxDuration }
                  webSocketConnectionsAdaptiveGroups { enabled maxDuration availableFields }
                } } } }""", Map.of("zoneTag", zoneId)), "settings");
        JsonNode adaptive = settings.path("httpRequestsAdaptiveGroups");
        assertThat(adaptive.path("enabled").asBoolean()).isTrue();
        assertThat(adaptive.path("maxDuration").asLong()).isEqualTo(31 * 86_400);
        assertThat(adaptive.path("maxNumberOfFields").asLong()).isEqualTo(30);
        assertThat(adaptive.path("maxPageSize").asLong()).isEqualTo(10_000);
        assertThat(adaptive.path("notOlderThan").asLong()).as("days are kept for ever: 100 years").isEqualTo(36_525L * 86_400);
        assertThat(adaptive.path("availableFields").toString()).contains("\"count\"", "\"avg_sampleInterval\"",
                "\"sum_edgeResponseBytes\"", "\"dimensions_clientIP\"");
        assertThat(settings.path("httpRequests1hGroups").path("maxDuration").asLong()).isEqualTo(366 * 86_400);
        assertThat(settings.path("webSocketConnectionsAdaptiveGroups").path("availableFields").toString())
                .contains("\"quantiles_durationMsP99\"", "\"dimensions_connectionCloseReason\"");
    }

    @Test
    void aQueryPastANodesLimitIsRefusedWithCloudflaresMessage() throws Exception {
        Instant now = Instant.now();
        JsonNode tooWide = ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", Map.of("datetime_geq", now.minus(40, ChronoUnit.DAYS).toString(),
                "datetime_lt", now.toString())));
        JsonNode error = tooWide.path("errors").get(0);
        assertThat(error.path("message").asText()).startsWith("query time range is too large").contains("2678400s");
        assertThat(error.path("path").toString()).isEqualTo("[\"viewer\",\"zones\",0,\"httpRequestsAdaptiveGroups\"]");
        assertThat(error.path("extensions").path("code").asText()).isEqualTo("limit");

        JsonNode tooOld = ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", Map.of("datetime_geq", "1900-01-01T00:00:00Z",
                "datetime_lt", "1900-01-02T00:00:00Z")));
        assertThat(tooOld.path("errors").get(0).path("message").asText()).isEqualTo("cannot request data older than 3155760000s");

        JsonNode tooMany = ask("{ viewer { zones(filter: {zoneTag: \"%s\"}) { httpRequestsAdaptiveGroups(limit: 10001, filter: {datetime_geq: \"%s\"}) { count } } } }"
                .formatted(zoneId, hour), Map.of());
        assertThat(tooMany.path("errors").get(0).path("message").asText()).isEqualTo("limit must be positive number and not greater than 10000");
    }

    private static Map<Integer, Long> statusMap(JsonNode group) {
        Map<Integer, Long> map = new java.util.HashMap<>();
        group.path("sum").path("responseStatusMap").forEach(e -> map.put(e.path("edgeResponseStatus").asInt(), e.path("requests").asLong()));
        return map;
    }

    private RequestLog fromIp(String rayId, String ip, int minute, int status) {
        Instant start = hour.plusSeconds(60L * minute);
        return RequestLog.builder().rayId(rayId).zoneName("example.com").clientIp(ip).clientRequestHost("example.com")
                .clientRequestMethod("GET").clientRequestUri("/").edgeStartTimestamp(start).edgeResponseStatus(status)
                .edgeResponseBytes(10).webSocket(false).finish(start.plusMillis(1));
    }

    @Test
    void withoutAZoneFilterEveryZoneTheTokenMayReadIsAnswered() throws Exception {
        JsonNode zones = ask("{ viewer { zones { zoneTag httpRequests1hGroups(limit: 5, filter: {datetime_geq: \"%s\"}) { sum { requests } } } } }"
                .formatted(hour), Map.of()).path("data").path("viewer").path("zones");

        assertThat(zones).hasSize(1);
        assertThat(zones.get(0).path("zoneTag").asText()).isEqualTo(zoneId);
        assertThat(zones.get(0).findValues("requests").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(5);
    }

    @Test
    void aTokenWithoutAnalyticsReadIsRefused() throws Exception {
        ApiResponse response = api.handle(request("POST", "/graphql", zoneReadToken, body(ADAPTIVE, Map.of("zoneTag", zoneId))));

        assertThat(response.status()).isEqualTo(403);
        assertThat(JSON.readTree(response.json()).path("success").asBoolean()).isFalse();
    }

    @Test
    void aTokenScopedToAnotherZoneReadsNothingOfThisOne() throws Exception {
        String elsewhere = api.credentials().issueToken("elsewhere", EnumSet.of(Permission.ANALYTICS_READ), Set.of("0123456789abcdef0123456789abcdef"),
                "test");
        ApiResponse response = api.handle(request("POST", "/graphql", elsewhere,
                body(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", range()))));

        JsonNode answer = JSON.readTree(response.json());
        assertThat(answer.path("errors").get(0).path("message").asText()).contains("not in this token's scope");
        assertThat(answer.path("data").path("viewer").path("zones").isMissingNode() || answer.path("data").isNull()).isTrue();
    }

    @Test
    void aMalformedQueryAnswersCloudflareShapedErrors() throws Exception {
        JsonNode syntax = ask("{ viewer { zones(filter: {zoneTag: ", Map.of());
        assertThat(syntax.path("data").isNull()).isTrue();
        JsonNode error = syntax.path("errors").get(0);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("path")).isTrue();
        assertThat(error.path("extensions").path("code").asText()).isEqualTo("parse");
        assertThat(Instant.parse(error.path("extensions").path("timestamp").asText())).isNotNull();

        JsonNode unknownField = ask("{ viewer { zones(filter: {zoneTag: \"%s\"}) { httpRequestsAdaptiveGroups(limit: 1) { nope } } } }"
                .formatted(zoneId), Map.of());
        assertThat(unknownField.path("errors").get(0).path("message").asText()).contains("nope");
        assertThat(unknownField.path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("validation");

        ApiResponse notJson = api.handle(request("POST", "/graphql", analyticsToken, "query { viewer }"));
        assertThat(notJson.status()).isEqualTo(200);
        assertThat(JSON.readTree(notJson.json()).path("errors").get(0).path("message").asText()).contains("not JSON");
    }

    @Test
    void aQueryTheStoreCannotAnswerNamesWhatIsWrongAndWhere() throws Exception {
        JsonNode noRange = ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", Map.of("edgeResponseStatus", 200)));

        JsonNode error = noRange.path("errors").get(0);
        assertThat(error.path("message").asText()).contains("time range").contains("datetime_geq");
        assertThat(error.path("path").toString()).isEqualTo("[\"viewer\",\"zones\",0,\"httpRequestsAdaptiveGroups\"]");
        assertThat(error.path("extensions").path("code").asText()).isEqualTo("bad_input");
    }

    @Test
    void withAnalyticsOffTheAnswerSaysSo() throws Exception {
        api.analytics(null);

        JsonNode answer = ask(ADAPTIVE, Map.of("zoneTag", zoneId, "filter", range()));

        assertThat(answer.path("errors").get(0).path("message").asText()).contains("analytics are off");
        assertThat(answer.path("errors").get(0).path("extensions").path("code").asText()).isEqualTo("analytics_off");
    }

    @Test
    void introspectionDescribesTheSchema() throws Exception {
        JsonNode answer = ask("{ __type(name: \"ZoneHttpRequestsAdaptiveGroupsOrderBy\") { enumValues { name } } }", Map.of());

        assertThat(answer.path("errors").isNull()).isTrue();
        assertThat(answer.path("data").path("__type").path("enumValues").findValuesAsText("name"))
                .contains("count_DESC", "sum_edgeResponseBytes_DESC", "datetime_ASC");
    }

    private ObjectNode range() {
        return JSON.createObjectNode().put("datetime_geq", hour.toString()).put("datetime_lt", hour.plusSeconds(7200).toString());
    }

    private JsonNode ask(String query, Map<String, Object> variables) throws Exception {
        ApiResponse response = api.handle(request("POST", "/graphql", analyticsToken, body(query, variables)));
        assertThat(response.status()).isEqualTo(200);
        return JSON.readTree(response.json());
    }

    private static JsonNode groups(JsonNode answer, String node) {
        assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
        return answer.path("data").path("viewer").path("zones").get(0).path(node);
    }

    private static String body(String query, Map<String, Object> variables) throws Exception {
        return JSON.writeValueAsString(Map.of("query", query, "variables", variables));
    }

    private static ApiRequest request(String method, String path, String token, String body) {
        return new ApiRequest(method, path, Map.of(), Map.of("authorization", "Bearer " + token),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static RequestLog scheme(String rayId, Instant start, String scheme, String protocol, int status, long bytes) {
        return RequestLog.builder().rayId(rayId).zoneName("example.com").clientIp("192.0.2.9").clientRequestHost("example.com")
                .clientRequestScheme(scheme).clientRequestProtocol(protocol).clientRequestMethod("GET").clientRequestUri("/")
                .edgeStartTimestamp(start).edgeResponseStatus(status).edgeResponseBytes(bytes).webSocket(false).finish(start.plusMillis(1));
    }

    private RequestLog record(String rayId, String zone, int minute, String method, String path, int status, long bytes,
                              String securityAction, boolean webSocket) {
        Instant start = hour.plusSeconds(60L * minute);
        var log = RequestLog.builder().rayId(rayId).zoneName(zone).clientIp("192.0.2.1").clientRequestHost(zone)
                .clientRequestMethod(method).clientRequestUri(path).edgeStartTimestamp(start).edgeResponseStatus(status)
                .edgeResponseBytes(bytes).webSocket(webSocket);
        if (securityAction != null) {
            log.securityAction(securityAction);
        }
        if (webSocket) {
            log.webSocketCloseCode(1000).webSocketClosedBy(RequestLog.ClosedBy.client);
        }
        return log.finish(start.plusMillis(5));
    }
}
