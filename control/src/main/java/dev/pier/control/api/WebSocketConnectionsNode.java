package dev.pier.control.api;

import static dev.pier.control.api.NodeArguments.ordered;

import dev.pier.analytics.store.Dimension;
import dev.pier.analytics.store.Measure;
import dev.pier.analytics.store.TimeBucket;
import dev.pier.analytics.store.WebSocketRow;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pier's node of closed WebSocket connections, in the style of Cloudflare's adaptive nodes:
 * {@code webSocketConnectionsAdaptiveGroups(limit, filter, orderBy) { count sum { ... } avg { durationMs }
 * quantiles { durationMsP50 ... } dimensions { ... } }}, over the store's WebSocket rows. A
 * connection counts in the time bucket it began in; its close reason and source are named as in
 * Cloudflare's {@code websocket_analytics} log dataset.
 */
final class WebSocketConnectionsNode {

    static final String NAME = "webSocketConnectionsAdaptiveGroups";
    private static final String TYPE = "ZoneWebSocketConnectionsAdaptiveGroups";

    static final NodeArguments ARGUMENTS = new NodeArguments(TYPE,
            ordered("datetime", TimeBucket.MINUTE, "datetimeMinute", TimeBucket.MINUTE, "datetimeHour", TimeBucket.HOUR,
                    "date", TimeBucket.DAY),
            ordered("clientRequestHTTPHost", Dimension.HOST, "clientRequestPath", Dimension.PATH,
                    "connectionCloseCode", Dimension.CLOSE_CODE, "connectionCloseReason", Dimension.CLOSE_REASON,
                    "connectionCloseSource", Dimension.CLOSE_SOURCE),
            ordered("count", Measure.CONNECTIONS, "sum_durationMs", Measure.DURATION_MS, "sum_clientMessages", Measure.CLIENT_MESSAGES,
                    "sum_originMessages", Measure.ORIGIN_MESSAGES, "sum_clientRequestBytes", Measure.BYTES_FROM_CLIENT,
                    "sum_edgeResponseBytes", Measure.BYTES_TO_CLIENT),
            NodeLimits.ADAPTIVE, false);

    private WebSocketConnectionsNode() {
    }

    static String field() {
        return ARGUMENTS.field(NAME, TYPE);
    }

    static String sdl() {
        return "type " + TYPE + " {\n"
                + "  \"\"\"Closed WebSocket connections.\"\"\"\n  count: uint64!\n"
                + "  sum: " + TYPE + "Sum\n  avg: " + TYPE + "Avg\n  quantiles: " + TYPE + "Quantiles\n  dimensions: " + TYPE + "Dimensions\n}\n"
                + "type " + TYPE + "Sum {\n"
                + "  \"\"\"The connections' durations added up, in milliseconds.\"\"\"\n  durationMs: uint64!\n"
                + "  \"\"\"Messages from clients.\"\"\"\n  clientMessages: uint64!\n"
                + "  \"\"\"Messages from the origin.\"\"\"\n  originMessages: uint64!\n"
                + "  \"\"\"Bytes from clients: the upgrade request and every frame.\"\"\"\n  clientRequestBytes: uint64!\n"
                + "  \"\"\"Bytes to clients: the 101 head and every frame.\"\"\"\n  edgeResponseBytes: uint64!\n}\n"
                + "type " + TYPE + "Avg {\n  durationMs: float64!\n}\n"
                + "\"\"\"Duration percentiles; null when the range reaches rolled-up data (they need raw records).\"\"\"\n"
                + "type " + TYPE + "Quantiles {\n  durationMsP50: float64\n  durationMsP90: float64\n  durationMsP99: float64\n}\n"
                + ARGUMENTS.dimensionsSdl() + ARGUMENTS.sdl();
    }

    /** One group as GraphQL answers it. */
    static Map<String, Object> group(WebSocketRow row) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("count", row.connections());
        group.put("sum", Map.of("durationMs", row.durationMs(), "clientMessages", row.clientMessages(),
                "originMessages", row.originMessages(), "clientRequestBytes", row.bytesFromClient(), "edgeResponseBytes", row.bytesToClient()));
        group.put("avg", Map.of("durationMs", row.durationAvgMs()));
        Map<String, Object> quantiles = new HashMap<>(); // null values kept
        quantiles.put("durationMsP50", row.durationP50Ms());
        quantiles.put("durationMsP90", row.durationP90Ms());
        quantiles.put("durationMsP99", row.durationP99Ms());
        group.put("quantiles", quantiles);
        Map<String, Object> dims = ARGUMENTS.timeDimensions(row.time());
        ARGUMENTS.dimensions().forEach((f, d) -> dims.put(f, row.dimensions().get(d)));
        group.put("dimensions", dims);
        return group;
    }
}
