package dev.pier.control.api;

import static dev.pier.control.api.NodeArguments.ordered;

import dev.pier.analytics.store.Dimension;
import dev.pier.analytics.store.Measure;
import dev.pier.analytics.store.TimeBucket;
import dev.pier.analytics.store.TrafficRow;
import dev.pier.analytics.store.UniquesRow;
import java.time.Duration;
import java.time.Instant;
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
 *                  rollup node, with {@code sum { requests bytes threats responseStatusMap }} and {@code uniq { uniques }}
 */
record HttpRequestsNode(String name, NodeArguments arguments, List<String> sums, boolean adaptive) {

    static final HttpRequestsNode ADAPTIVE = new HttpRequestsNode("httpRequestsAdaptiveGroups", new NodeArguments(
            "ZoneHttpRequestsAdaptiveGroups",
            ordered("datetime", TimeBucket.MINUTE, "datetimeMinute", TimeBucket.MINUTE, "datetimeHour", TimeBucket.HOUR,
                    "date", TimeBucket.DAY),
            ordered("clientRequestHTTPHost", Dimension.HOST, "clientRequestPath", Dimension.PATH,
                    "edgeResponseStatus", Dimension.STATUS, "clientIP", Dimension.CLIENT_IP,
                    "securityAction", Dimension.SECURITY_ACTION, "webSocketUpgrade", Dimension.WEBSOCKET),
            ordered("count", Measure.REQUESTS, "sum_edgeResponseBytes", Measure.EDGE_RESPONSE_BYTES, "sum_visits", Measure.VISITS),
            NodeLimits.ADAPTIVE, true), List.of("edgeResponseBytes", "visits"), true);

    static final List<HttpRequestsNode> ROLLUPS = List.of(
            rollup("httpRequests1mGroups", "ZoneHttpRequests1mGroups", ordered("datetimeMinute", TimeBucket.MINUTE,
                    "datetimeHour", TimeBucket.HOUR, "date", TimeBucket.DAY), Duration.ofDays(7)),
            rollup("httpRequests1hGroups", "ZoneHttpRequests1hGroups", ordered("datetime", TimeBucket.HOUR, "date", TimeBucket.DAY),
                    Duration.ofDays(366)),
            rollup("httpRequests1dGroups", "ZoneHttpRequests1dGroups", ordered("date", TimeBucket.DAY), Duration.ofDays(3660)));

    private static HttpRequestsNode rollup(String name, String prefix, Map<String, TimeBucket> time, Duration maxDuration) {
        return new HttpRequestsNode(name, new NodeArguments(prefix, time, Map.of(),
                ordered("sum_requests", Measure.REQUESTS, "sum_bytes", Measure.EDGE_RESPONSE_BYTES, "sum_threats", Measure.THREATS),
                new NodeLimits(maxDuration, NodeLimits.MAX_FIELDS, dev.pier.analytics.store.AnalyticsQuery.MAX_LIMIT), false),
                List.of("requests", "bytes", "threats"), false);
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
        sums.forEach(f -> s.append("  ").append(f).append(": uint64!\n"));
        if (adaptive) {
            s.append("}\ntype ").append(t).append("Avg {\n")
                    .append("  \"\"\"Records per record kept: always 1, Pier keeps every record.\"\"\"\n  sampleInterval: float64!\n");
        } else {
            s.append("  responseStatusMap: [").append(t).append("ResponseStatusMap!]!\n");
            s.append("}\ntype ").append(t).append("ResponseStatusMap {\n  edgeResponseStatus: uint16!\n  requests: uint64!\n");
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
     * One group as GraphQL answers it; only the selected fields are read.
     *
     * @param statuses the group's requests by status (a rollup node's {@code responseStatusMap}), or null
     * @param uniques  the group's distinct clients, or null
     */
    Map<String, Object> group(TrafficRow row, Map<Integer, Long> statuses, Long uniques) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("count", row.requests());
        group.put("avg", Map.of("sampleInterval", 1.0));
        Map<String, Object> sum = new LinkedHashMap<>(Map.of("edgeResponseBytes", row.edgeResponseBytes(), "visits", row.visits(),
                "requests", row.requests(), "bytes", row.edgeResponseBytes(), "threats", row.threats()));
        sum.put("responseStatusMap", statuses == null ? List.of() : statuses.entrySet().stream()
                .map(e -> Map.of("edgeResponseStatus", e.getKey(), "requests", e.getValue())).toList());
        group.put("sum", sum);
        group.put("uniq", Map.of("uniques", uniques == null ? 0L : uniques));
        Map<String, Object> dims = arguments.timeDimensions(row.time());
        arguments.dimensions().forEach((f, d) -> dims.put(f, row.dimensions().get(d)));
        group.put("dimensions", dims);
        return group;
    }

    /** The uniques of each row's time, as the store answered them. */
    static Map<Instant, Long> byTime(List<UniquesRow> rows) {
        Map<Instant, Long> map = new java.util.HashMap<>();
        rows.forEach(r -> map.put(r.time(), r.uniques()));
        return map;
    }
}
