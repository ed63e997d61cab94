package dev.pier.analytics.store;

/**
 * What a query can filter on and group by. Each is a column of the raw records; all but
 * {@link #CLIENT_IP} are also kept in the rollups, so a query that uses the client's address
 * can reach back only as far as the zone's raw retention.
 */
public enum Dimension {
    /** {@code ClientRequestHost}. */
    HOST("host", ValueType.STRING, true),
    /** {@code ClientRequestURI} without its query string. */
    PATH("path", ValueType.STRING, true),
    /** {@code EdgeResponseStatus}. */
    STATUS("status", ValueType.INT, true),
    /** {@code ClientIP}: raw records only. */
    CLIENT_IP("client_ip", ValueType.STRING, false),
    /** {@code SecurityAction}, the terminating one: {@code block}, {@code managedChallenge}, …; the empty string when none acted. */
    SECURITY_ACTION("security_action", ValueType.STRING, true),
    /** {@code WebSocket}: true for an upgrade the origin accepted. */
    WEBSOCKET("websocket", ValueType.BOOLEAN, true),
    /** {@code WebSocketCloseCode}; null for a plain request. */
    CLOSE_CODE("close_code", ValueType.INT, true),
    /** Who closed the WebSocket, in Cloudflare's words: {@code downstream} (the client), {@code upstream} (the origin), {@code edge}. */
    CLOSE_SOURCE("close_source", ValueType.STRING, true),
    /** Why the WebSocket closed, in Cloudflare's words ({@link CloseReason}). */
    CLOSE_REASON("close_reason", ValueType.STRING, true),
    /** {@code ClientRequestScheme}: {@code http} or {@code https}; null in records stored before it was kept. */
    SCHEME("scheme", ValueType.STRING, true),
    /** {@code ClientRequestProtocol}, the client's HTTP version: {@code HTTP/1.1}, …; null in records stored before it was kept. */
    HTTP_PROTOCOL("http_protocol", ValueType.STRING, true);

    /** How a dimension's values are typed, in filters and in result rows. */
    public enum ValueType { STRING, INT, BOOLEAN }

    private final String column;
    private final ValueType type;
    private final boolean keptInRollups;

    Dimension(String column, ValueType type, boolean keptInRollups) {
        this.column = column;
        this.type = type;
        this.keptInRollups = keptInRollups;
    }

    String column() {
        return column;
    }

    public ValueType type() {
        return type;
    }

    /** False when only raw records carry it. */
    public boolean keptInRollups() {
        return keptInRollups;
    }
}
