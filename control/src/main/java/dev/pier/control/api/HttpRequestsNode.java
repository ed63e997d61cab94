package dev.pier.control.api;

import static dev.pier.control.api.NodeArguments.ordered;

import dev.pier.analytics.store.AnalyticsQuery;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.Dimension;
import dev.pier.analytics.store.Measure;
import dev.pier.analytics.store.TimeBucket;
import dev.pier.analytics.store.TrafficRow;
import dev.pier.analytics.store.UniquesRow;
import graphql.schema.DataFetchingFieldSelectionSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of Cloudflare's nodes of HTTP requests ({@code httpRequestsAdaptiveGroups},
 * {@code httpRequests1mGroups}, …): its schema, its arguments ({@link NodeArguments}) and the
 * translation of the store's rows into its groups.
 *
 * @param name      the field under {@code zones}
 * @param arguments its filter, order, dimensions and limits
 * @param sums      the fields of its {@code sum}
 * @param adaptive  whether it is the adaptive node: {@code count} and {@code avg { sampleInterval }}; else a
 *                  rollup node, with {@code sum { requests bytes threats encryptedRequests encryptedBytes cachedRequests
 *                  cachedBytes responseStatusMap clientHTTPVersionMap }} and {@code uniq { uniques }}
 */
record HttpRequestsNode(String name, NodeArguments arguments, List<String> sums, boolean adaptive) {

    /** {@code ClientRequestScheme} of an encrypted request. */
    private static final String HTTPS = "https";

    static final HttpRequestsNode ADAPTIVE = new HttpRequestsNode("httpRequestsAdaptiveGroups", new NodeArguments(
            "ZoneHttpRequestsAdaptiveGroups",
            ordered("datetime", TimeBucket.MINUTE, "datetimeMinute", TimeBucket.MINUTE, "datetimeHour", TimeBucket.HOUR,
                    "date", TimeBucket.DAY),
            ordered("clientRequestHTTPHost", Dimension.HOST, "clientRequestPath", Dimension.PATH,
                    "edgeResponseStatus", Dimension.STATUS, "clientIP", Dimension.CLIENT_IP,
                    "securityAction", Dimension.SECURITY_ACTION, "webSocketUpgrade", Dimension.WEBSOCKET,
                    "clientRequestScheme", Dimension.SCHEME, "clientRequestHTTPProtocol", Dimension.HTTP_PROTOCOL),
            ordered("count", Measure.REQUESTS, "sum_edgeResponseBytes", Measure.EDGE_RESPONSE_BYTES, "sum_visits", Measure.VISITS),
            NodeLimits.ADAPTIVE, true), List.of("edgeResponseBytes", "visits"), true);

    static final List<HttpRequestsNode> ROLLUPS = List.of(
            rollup("httpRequests1mGroups", "ZoneHttpRequests1mGroups", ordered("datetime", TimeBucket.MINUTE, "datetimeMinute", TimeBucket.MINUTE,
                    "datetimeHour", TimeBucket.HOUR, "date", TimeBucket.DAY), Duration.ofDays(7)),
            rollup("httpRequests1hGroups", "ZoneHttpRequests1hGroups", ordered("datetime", TimeBucket.HOUR, "date", TimeBucket.DAY),
                    Duration.ofDays(366)),
            rollup("httpRequests1dGroups", "ZoneHttpRequests1dGroups", ordered("date", TimeBucket.DAY), Duration.ofDays(3660)));

    private static final Map<String, String> SUM_DESCRIPTIONS = Map.of(
            "encryptedRequests", "Requests over https.",
            "encryptedBytes", "Bytes sent to clients over https.",
            "cachedRequests", "Requests answered from a cache: always 0, Pier does not cache.",
            "cachedBytes", "Bytes answered from a cache: always 0, Pier does not cache.");

    private static HttpRequestsNode rollup(String name, String prefix, Map<String, TimeBucket> time, Duration maxDuration) {
        return new HttpRequestsNode(name, new NodeArguments(prefix, time, Map.of(),
                ordered("sum_requests", Measure.REQUESTS, "sum_bytes", Measure.EDGE_RESPONSE_BYTES, "sum_threats", Measure.THREATS),
                new NodeLimits(maxDuration, NodeLimits.MAX_FIELDS, AnalyticsQuery.MAX_LIMIT), false),
                List.of("requests", "bytes", "threats", "encryptedRequests", "encryptedBytes", "cachedRequests", "cachedBytes"), false);
    }

    private String typePrefix() {
        return arguments.typePrefix();
    }

    /** This node's types in SDL: its group, sum, avg or uniq, dimensions, filter and order. */
    String sdl() {
        String t = typePrefix();
        StringBuilder s = new StringBuilder();
        s.append("type ").append(t).append(" {\n");
        if (adaptive) {
            s.append("  \"\"\"Requests; a WebSocket counts once, for its upgrade.\"\"\"\n  count: uint64!\n");
            s.append("  avg: ").append(t).append("Avg\n");
        } else {
            s.append("  uniq: ").append(t).append("Uniq\n");
        }
        s.append("  sum: ").append(t).append("Sum\n  dimensions: ").append(t).append("Dimensions\n}\n");
        s.append("type ").append(t).append("Sum {\n");
        sums.forEach(f -> s.append(SUM_DESCRIPTIONS.containsKey(f) ? "  \"\"\"" + SUM_DESCRIPTIONS.get(f) + "\"\"\"\n" : "")
                .append("  ").append(f).append(": uint64!\n"));
        if (adaptive) {
            s.append("}\ntype ").append(t).append("Avg {\n")
                    .append("  \"\"\"Records per record kept: always 1, Pier keeps every record.\"\"\"\n  sampleInterval: float64!\n");
        } else {
            s.append("  responseStatusMap: [").append(t).append("ResponseStatusMap!]!\n");
            s.append("  \"\"\"Requests by the client's HTTP version.\"\"\"\n  clientHTTPVersionMap: [").append(t).append("ClientHTTPVersionMap!]!\n");
            s.append("}\ntype ").append(t).append("ResponseStatusMap {\n  edgeResponseStatus: uint16!\n  requests: uint64!\n");
            s.append("}\ntype ").append(t).append("ClientHTTPVersionMap {\n")
                    .append("  \"\"\"HTTP/1.0, HTTP/1.1, ...; null for records stored before Pier kept it.\"\"\"\n  clientHTTPProtocol: string\n")
                    .append("  requests: uint64!\n");
            s.append("}\ntype ").append(t).append("Uniq {\n  \"\"\"Distinct client IP addresses.\"\"\"\n  uniques: uint64!\n");
        }
        s.append("}\n").append(arguments.dimensionsSdl()).append(arguments.sdl());
        return s.toString();
    }

    /** The node's field on a zone, in SDL. */
    String field() {
        return arguments.field(name, typePrefix());
    }

    /**
     * The node's groups for a query, as GraphQL answers them. What a rollup node's selection asks
     * beyond the rows (requests by status, by scheme, by HTTP version; distinct clients) is asked
     * of the store only when selected, each once for every group's time bucket.
     */
    List<Map<String, Object>> groups(AnalyticsStore analytics, AnalyticsQuery query, DataFetchingFieldSelectionSet selection) {
        List<TrafficRow> rows = analytics.traffic(query);
        // mutable maps: a row without a bucket has a null time, which an immutable map refuses to look up
        Map<Instant, Map<Object, TrafficRow>> statuses = selection.contains("sum/responseStatusMap")
                ? byTimeAnd(analytics, query, Dimension.STATUS) : new HashMap<>();
        Map<Instant, Map<Object, TrafficRow>> schemes = selection.contains("sum/encryptedRequests") || selection.contains("sum/encryptedBytes")
                ? byTimeAnd(analytics, query, Dimension.SCHEME) : new HashMap<>();
        Map<Instant, Map<Object, TrafficRow>> versions = selection.contains("sum/clientHTTPVersionMap")
                ? byTimeAnd(analytics, query, Dimension.HTTP_PROTOCOL) : new HashMap<>();
        Map<Instant, Long> uniques = selection.contains("uniq/uniques") ? byTime(analytics.uniques(
                new AnalyticsQuery(query.zone(), query.from(), query.to(), query.bucket(), List.of(), List.of(), null, AnalyticsQuery.MAX_LIMIT)))
                : new HashMap<>();
        return rows.stream().map(r -> group(r, statuses.getOrDefault(r.time(), Map.of()), schemes.getOrDefault(r.time(), Map.of()),
                versions.getOrDefault(r.time(), Map.of()), uniques.getOrDefault(r.time(), 0L))).toList();
    }

    /** The query's rows grouped by one more dimension, by time bucket (null for a query without one) and that dimension's value. */
    private static Map<Instant, Map<Object, TrafficRow>> byTimeAnd(AnalyticsStore analytics, AnalyticsQuery query, Dimension dimension) {
        Map<Instant, Map<Object, TrafficRow>> map = new HashMap<>(); // a row without a bucket has a null time
        AnalyticsQuery by = new AnalyticsQuery(query.zone(), query.from(), query.to(), query.bucket(), query.filters(),
                List.of(dimension), null, AnalyticsQuery.MAX_LIMIT);
        for (TrafficRow r : analytics.traffic(by)) { // in time and value order
            map.computeIfAbsent(r.time(), t -> new LinkedHashMap<>()).put(r.dimensions().get(dimension), r);
        }
        return map;
    }

    private Map<String, Object> group(TrafficRow row, Map<Object, TrafficRow> statuses, Map<Object, TrafficRow> schemes,
                                      Map<Object, TrafficRow> versions, long uniques) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("count", row.requests());
        group.put("avg", Map.of("sampleInterval", 1.0));
        TrafficRow https = schemes.get(HTTPS);
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("edgeResponseBytes", row.edgeResponseBytes());
        sum.put("visits", row.visits());
        sum.put("requests", row.requests());
        sum.put("bytes", row.edgeResponseBytes());
        sum.put("threats", row.threats());
        sum.put("encryptedRequests", https == null ? 0L : https.requests());
        sum.put("encryptedBytes", https == null ? 0L : https.edgeResponseBytes());
        sum.put("cachedRequests", 0L);
        sum.put("cachedBytes", 0L);
        sum.put("responseStatusMap", statuses.entrySet().stream()
                .map(e -> Map.of("edgeResponseStatus", e.getKey(), "requests", e.getValue().requests())).toList());
        sum.put("clientHTTPVersionMap", versions.entrySet().stream().map(e -> {
            Map<String, Object> entry = new HashMap<>(); // a record stored before the version was kept has none: null
            entry.put("clientHTTPProtocol", e.getKey());
            entry.put("requests", e.getValue().requests());
            return entry;
        }).toList());
        group.put("sum", sum);
        group.put("uniq", Map.of("uniques", uniques));
        Map<String, Object> dims = arguments.timeDimensions(row.time());
        arguments.dimensions().forEach((f, d) -> dims.put(f, row.dimensions().get(d)));
        group.put("dimensions", dims);
        return group;
    }

    /** The uniques of each row's time, as the store answered them. */
    private static Map<Instant, Long> byTime(List<UniquesRow> rows) {
        Map<Instant, Long> map = new HashMap<>(); // a row without a bucket has a null time
        rows.forEach(r -> map.put(r.time(), r.uniques()));
        return map;
    }
}
