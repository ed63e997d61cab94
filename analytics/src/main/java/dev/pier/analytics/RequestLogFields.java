package dev.pier.analytics;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every field of a {@link RequestLog} once: its name in Cloudflare's http_requests dataset, its
 * type, how to read it, and when a record carries it. The NDJSON writer writes what this lists,
 * in this order; an analytics store or schema reads the same list.
 */
public final class RequestLogFields {

    /** How a field's value is written. */
    public enum Type { STRING, INT, LONG, BOOLEAN, TIMESTAMP, STRING_ARRAY }

    /** One field: {@code present} says whether a record carries it at all (absent fields are left out, not null). */
    public record Field(String name, Type type, Function<RequestLog, Object> value, Predicate<RequestLog> present) {
    }

    private static final Predicate<RequestLog> ALWAYS = log -> true;
    private static final Predicate<RequestLog> WHEN_SECURITY_ACTED =
            log -> log.securityActions() != null && !log.securityActions().isEmpty();
    private static final Predicate<RequestLog> WHEN_SCORED = log -> log.wafAttackScore() > 0;
    private static final Predicate<RequestLog> WHEN_WEBSOCKET = RequestLog::webSocket;
    private static final Predicate<RequestLog> WHEN_WORKER = log -> log.workerScriptName() != null;

    public static final List<Field> ALL = List.of(
            new Field("RayID", Type.STRING, RequestLog::rayId, ALWAYS),
            new Field("ZoneName", Type.STRING, RequestLog::zoneName, ALWAYS),
            new Field("ClientIP", Type.STRING, RequestLog::clientIp, ALWAYS),
            new Field("ClientSrcPort", Type.INT, RequestLog::clientSrcPort, ALWAYS),
            new Field("ClientRequestScheme", Type.STRING, RequestLog::clientRequestScheme, ALWAYS),
            new Field("ClientRequestHost", Type.STRING, RequestLog::clientRequestHost, ALWAYS),
            new Field("ClientRequestMethod", Type.STRING, RequestLog::clientRequestMethod, ALWAYS),
            new Field("ClientRequestURI", Type.STRING, RequestLog::clientRequestUri, ALWAYS),
            new Field("ClientRequestProtocol", Type.STRING, RequestLog::clientRequestProtocol, ALWAYS),
            new Field("ClientRequestUserAgent", Type.STRING, RequestLog::clientRequestUserAgent, ALWAYS),
            new Field("ClientRequestBytes", Type.LONG, RequestLog::clientRequestBytes, ALWAYS),
            new Field("EdgeStartTimestamp", Type.TIMESTAMP, RequestLog::edgeStartTimestamp, ALWAYS),
            new Field("EdgeEndTimestamp", Type.TIMESTAMP, RequestLog::edgeEndTimestamp, ALWAYS),
            new Field("EdgeResponseStatus", Type.INT, RequestLog::edgeResponseStatus, ALWAYS),
            new Field("EdgeResponseBytes", Type.LONG, RequestLog::edgeResponseBytes, ALWAYS),
            new Field("OriginResponseStatus", Type.INT, RequestLog::originResponseStatus, ALWAYS),
            new Field("OriginResponseBytes", Type.LONG, RequestLog::originResponseBytes, ALWAYS),
            new Field("OriginIP", Type.STRING, RequestLog::originIp, ALWAYS),
            new Field("EdgeError", Type.STRING, RequestLog::edgeError, log -> log.edgeError() != null),
            new Field("SecurityAction", Type.STRING, RequestLog::securityAction, log -> log.securityAction() != null),
            new Field("SecurityRuleID", Type.STRING, RequestLog::securityRuleId, log -> log.securityAction() != null),
            new Field("SecurityActions", Type.STRING_ARRAY, RequestLog::securityActions, WHEN_SECURITY_ACTED),
            new Field("SecurityRuleIDs", Type.STRING_ARRAY, RequestLog::securityRuleIds, WHEN_SECURITY_ACTED),
            new Field("SecuritySources", Type.STRING_ARRAY, RequestLog::securitySources, WHEN_SECURITY_ACTED),
            new Field("WAFAttackScore", Type.INT, RequestLog::wafAttackScore, WHEN_SCORED),
            new Field("WAFSQLiAttackScore", Type.INT, RequestLog::wafSqliAttackScore, WHEN_SCORED),
            new Field("WAFXSSAttackScore", Type.INT, RequestLog::wafXssAttackScore, WHEN_SCORED),
            new Field("WAFRCEAttackScore", Type.INT, RequestLog::wafRceAttackScore, WHEN_SCORED),
            new Field("WebSocket", Type.BOOLEAN, RequestLog::webSocket, ALWAYS),
            new Field("WebSocketClientMessages", Type.LONG, RequestLog::webSocketClientMessages, WHEN_WEBSOCKET),
            new Field("WebSocketOriginMessages", Type.LONG, RequestLog::webSocketOriginMessages, WHEN_WEBSOCKET),
            new Field("WebSocketCloseCode", Type.INT, RequestLog::webSocketCloseCode, WHEN_WEBSOCKET),
            new Field("WebSocketClosedBy", Type.STRING,
                    log -> log.webSocketClosedBy() == null ? null : log.webSocketClosedBy().name(), WHEN_WEBSOCKET),
            new Field("WorkerScriptName", Type.STRING, RequestLog::workerScriptName, WHEN_WORKER),
            new Field("WorkerStatus", Type.STRING, RequestLog::workerStatus, WHEN_WORKER),
            new Field("WorkerCPUTime", Type.LONG, RequestLog::workerCpuTime, WHEN_WORKER),
            new Field("WorkerWallTimeUs", Type.LONG, RequestLog::workerWallTimeUs, WHEN_WORKER));

    private RequestLogFields() {
    }

    /** A timestamp as the log writes it (ISO-8601, UTC), or null. */
    static String timestamp(Object instant) {
        return instant == null ? null : ((Instant) instant).toString();
    }
}
