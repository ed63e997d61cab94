package dev.pier.analytics.store;

import java.time.Instant;
import java.util.Map;

/**
 * One group of requests: its time bucket and dimension values, and what its records add up to.
 *
 * @param time       the start of the time bucket (UTC), or null when the query had no bucket; over
 *                   rolled-up ranges, the start of the coarsest rollup reached (an hour or a day)
 * @param dimensions the group's value of each dimension the query grouped by (null values kept)
 */
public record TrafficRow(Instant time, Map<Dimension, Object> dimensions, long requests, long edgeResponseBytes, long visits,
                         long threats, long webSocketUpgrades) {

    public TrafficRow {
        dimensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dimensions)); // null values kept
    }

    /** The row's figure for a measure of requests. */
    public long measure(Measure measure) {
        return switch (measure) {
            case REQUESTS -> requests;
            case EDGE_RESPONSE_BYTES -> edgeResponseBytes;
            case VISITS -> visits;
            case THREATS -> threats;
            case WEBSOCKET_UPGRADES -> webSocketUpgrades;
            default -> throw new IllegalArgumentException(measure + " is a WebSocket measure (expected: a measure of requests)");
        };
    }
}
