package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A request log record as the raw table holds it: the columns queries read, derived once at
 * insert time. The scheme ({@code ClientRequestScheme}, lowercase) and the HTTP version
 * ({@code ClientRequestProtocol}) come last: a store made before they existed has them appended. Timestamps are UTC without a zone, microseconds (both databases' precision).
 */
record StoredRecord(String rayId, String zone, LocalDateTime ts, String host, String path, int status, String clientIp,
                    String securityAction, boolean webSocket, Integer closeCode, String closeSource, String closeReason,
                    long edgeBytes, long clientBytes, long durationMs, long clientMessages, long originMessages, int visit,
                    int threat, String scheme, String httpProtocol) {

    /** The columns in table order, for INSERT statements and the DuckDB appender. */
    static final String COLUMNS = "ray_id, zone, ts, host, path, status, client_ip, security_action, websocket, close_code, "
            + "close_source, close_reason, edge_bytes, client_bytes, duration_ms, client_messages, origin_messages, visits, threats, "
            + "scheme, http_protocol";

    static StoredRecord of(RequestLog log) {
        if (log.rayId() == null || log.edgeStartTimestamp() == null) {
            throw new IllegalArgumentException("request log without " + (log.rayId() == null ? "RayID" : "EdgeStartTimestamp")
                    + " (expected: both; the store keys records by them)");
        }
        boolean ws = log.webSocket();
        long durationMs = log.edgeEndTimestamp() == null ? 0
                : Math.max(0, log.edgeEndTimestamp().toEpochMilli() - log.edgeStartTimestamp().toEpochMilli());
        boolean visit = !ws && "GET".equals(log.clientRequestMethod()) && log.edgeResponseStatus() >= 200 && log.edgeResponseStatus() < 300;
        return new StoredRecord(log.rayId(), log.zoneName() == null ? "" : log.zoneName(), utc(log.edgeStartTimestamp()),
                log.clientRequestHost() == null ? "" : log.clientRequestHost(), path(log.clientRequestUri()), log.edgeResponseStatus(),
                log.clientIp(), log.securityAction() == null ? "" : log.securityAction(), ws,
                ws ? log.webSocketCloseCode() : null, ws ? CloseReason.source(log.webSocketClosedBy()) : null,
                ws ? CloseReason.reason(log.webSocketCloseCode(), log.webSocketClosedBy()) : null,
                log.edgeResponseBytes(), log.clientRequestBytes(), ws ? durationMs : 0,
                ws ? log.webSocketClientMessages() : 0, ws ? log.webSocketOriginMessages() : 0, visit ? 1 : 0,
                "block".equals(log.securityAction()) ? 1 : 0,
                log.clientRequestScheme() == null ? "" : log.clientRequestScheme().toLowerCase(java.util.Locale.ROOT),
                log.clientRequestProtocol() == null ? "" : log.clientRequestProtocol());
    }

    /** An instant as the store's timestamp columns hold it: UTC, microseconds. */
    static LocalDateTime utc(java.time.Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    static java.time.Instant instant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }

    private static String path(String uri) {
        if (uri == null) {
            return "";
        }
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }
}
