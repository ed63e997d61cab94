package dev.pier.analytics.store;

import java.time.Instant;
import java.util.Map;

/**
 * One group of closed WebSocket connections.
 *
 * @param time          the start of the time bucket the connections began in, or null without a bucket
 * @param dimensions    the group's value of each dimension the query grouped by
 * @param durationMs    the connections' durations added up, in milliseconds
 * @param durationP50Ms the median duration; null when the range reaches rolled-up data (quantiles need raw records),
 *                      as are {@code durationP90Ms} and {@code durationP99Ms}
 */
public record WebSocketRow(Instant time, Map<Dimension, Object> dimensions, long connections, long durationMs,
                           Double durationP50Ms, Double durationP90Ms, Double durationP99Ms, long clientMessages,
                           long originMessages, long bytesFromClient, long bytesToClient) {

    public WebSocketRow {
        dimensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dimensions)); // null values kept
    }

    /** The average duration in milliseconds, 0 for no connection. */
    public double durationAvgMs() {
        return connections == 0 ? 0 : (double) durationMs / connections;
    }

    /** The row's figure for a WebSocket measure. */
    public long measure(Measure measure) {
        return switch (measure) {
            case CONNECTIONS -> connections;
            case DURATION_MS -> durationMs;
            case CLIENT_MESSAGES -> clientMessages;
            case ORIGIN_MESSAGES -> originMessages;
            case BYTES_FROM_CLIENT -> bytesFromClient;
            case BYTES_TO_CLIENT -> bytesToClient;
            default -> throw new IllegalArgumentException(measure + " is a measure of requests (expected: a WebSocket measure)");
        };
    }
}
