package dev.pier.analytics.store;

/** What a query adds up; a result can be ordered by any of its kind's measures. */
public enum Measure {
    /** Requests; a WebSocket counts once, for its upgrade, however many messages it carried. */
    REQUESTS(Kind.TRAFFIC),
    /** {@code EdgeResponseBytes}: bytes sent to clients (the bandwidth Cloudflare bills). */
    EDGE_RESPONSE_BYTES(Kind.TRAFFIC),
    /** Page views: GET requests answered 2xx that are not WebSocket upgrades. */
    VISITS(Kind.TRAFFIC),
    /** Requests the WAF blocked ({@code SecurityAction} {@code block}). */
    THREATS(Kind.TRAFFIC),
    /** Upgrades the origin accepted (101). */
    WEBSOCKET_UPGRADES(Kind.TRAFFIC),
    /** WebSocket connections (closed ones: a record is written when a connection ends). */
    CONNECTIONS(Kind.WEBSOCKET),
    /** The connections' durations added up, in milliseconds. */
    DURATION_MS(Kind.WEBSOCKET),
    /** Messages from clients. */
    CLIENT_MESSAGES(Kind.WEBSOCKET),
    /** Messages from origins. */
    ORIGIN_MESSAGES(Kind.WEBSOCKET),
    /** Bytes received from clients ({@code ClientRequestBytes}: the upgrade request and every frame). */
    BYTES_FROM_CLIENT(Kind.WEBSOCKET),
    /** Bytes sent to clients ({@code EdgeResponseBytes}: the 101 head and every frame). */
    BYTES_TO_CLIENT(Kind.WEBSOCKET);

    /** Which rows a measure belongs to. */
    public enum Kind { TRAFFIC, WEBSOCKET }

    private final Kind kind;

    Measure(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
