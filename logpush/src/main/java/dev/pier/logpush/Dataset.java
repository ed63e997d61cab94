package dev.pier.logpush;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogFields;
import dev.pier.analytics.store.CloseReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The datasets a Logpush job or a live log session can carry, with Cloudflare's names:
 * {@code http_requests}, one record per request (a WebSocket upgrade is one request, logged when
 * the connection closes), and {@code websocket_analytics}, one record per WebSocket connection
 * that was upgraded (101), with that dataset's field names.
 */
public enum Dataset {

    HTTP_REQUESTS("http_requests", log -> true, httpRequestsFields()),
    WEBSOCKET_ANALYTICS("websocket_analytics", log -> log.webSocket() && log.edgeResponseStatus() == 101, webSocketFields());

    private final String id;
    private final Predicate<RequestLog> carries;
    private final List<LogField> fields;
    private final Map<String, LogField> byName;

    Dataset(String id, Predicate<RequestLog> carries, List<LogField> fields) {
        this.id = id;
        this.carries = carries;
        this.fields = List.copyOf(fields);
        Map<String, LogField> map = new LinkedHashMap<>();
        fields.forEach(f -> map.put(f.name(), f));
        this.byName = Collections.unmodifiableMap(map);
    }

    /** The dataset's name in the API ({@code http_requests}, {@code websocket_analytics}). */
    public String id() {
        return id;
    }

    /** Every field, in the order the dataset's page lists them. */
    public List<LogField> fields() {
        return fields;
    }

    /** The field named {@code name} (case as Cloudflare writes it), if the dataset has it. */
    public Optional<LogField> field(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Field names and descriptions, as {@code GET .../logpush/datasets/{dataset}/fields} answers. */
    public Map<String, String> descriptions() {
        Map<String, String> map = new LinkedHashMap<>();
        fields.forEach(f -> map.put(f.name(), f.description()));
        return map;
    }

    /** Whether a request log is a record of this dataset (every request; WebSocket connections only). */
    public boolean carries(RequestLog log) {
        return carries.test(log);
    }

    /**
     * The dataset named {@code id}.
     *
     * @throws LogpushException naming {@code dataset} and the datasets there are
     */
    public static Dataset of(String id) {
        for (Dataset d : values()) {
            if (d.id.equals(id)) {
                return d;
            }
        }
        throw new LogpushException("dataset", id + " (expected: one of " + ids() + ")");
    }

    /** The datasets' names, comma separated. */
    public static String ids() {
        List<String> ids = new ArrayList<>();
        for (Dataset d : values()) {
            ids.add(d.id);
        }
        return String.join(", ", ids);
    }

    private static List<LogField> httpRequestsFields() {
        Map<String, String> descriptions = Map.ofEntries(
                Map.entry("RayID", "ID of the request"),
                Map.entry("ZoneName", "Name of the zone the request was for"),
                Map.entry("ClientIP", "IP address of the client"),
                Map.entry("ClientSrcPort", "Client source port"),
                Map.entry("ClientRequestScheme", "The URL scheme requested by the visitor (http or https)"),
                Map.entry("ClientRequestHost", "Host requested by the client"),
                Map.entry("ClientRequestMethod", "HTTP method of client request"),
                Map.entry("ClientRequestURI", "URI requested by the client (path and query)"),
                Map.entry("ClientRequestProtocol", "HTTP protocol of client request"),
                Map.entry("ClientRequestUserAgent", "User agent reported by the client"),
                Map.entry("ClientRequestBytes", "Number of bytes in the client request (and, once upgraded, every frame the client sent)"),
                Map.entry("EdgeStartTimestamp", "Timestamp at which the edge received request from the client"),
                Map.entry("EdgeEndTimestamp", "Timestamp at which the edge finished sending response to the client "
                        + "(for a WebSocket: when the connection closed)"),
                Map.entry("EdgeResponseStatus", "HTTP status code returned by the edge to the client"),
                Map.entry("EdgeResponseBytes", "Number of bytes returned by the edge to the client (for a WebSocket: the 101 head and every frame)"),
                Map.entry("OriginResponseStatus", "Status returned by the origin server; 0 when the origin was not reached"),
                Map.entry("OriginResponseBytes", "Number of bytes returned by the origin server"),
                Map.entry("OriginIP", "IP of the origin server"),
                Map.entry("EdgeError", "Why the edge answered by itself (unknown host, origin errors, refusals); Pier's"),
                Map.entry("SecurityAction", "Action of the security rule that ended the request"),
                Map.entry("SecurityRuleID", "Rule ID of the security rule that ended the request"),
                Map.entry("SecurityActions", "Array of actions that security rules took on the request"),
                Map.entry("SecurityRuleIDs", "Array of security rule IDs that matched the request"),
                Map.entry("SecuritySources", "Array of security sources that matched the request"),
                Map.entry("WAFAttackScore", "Overall request score generated by the WAF detection module"),
                Map.entry("WAFSQLiAttackScore", "WAF score for an SQLi attack"),
                Map.entry("WAFXSSAttackScore", "WAF score for an XSS attack"),
                Map.entry("WAFRCEAttackScore", "WAF score for an RCE attack"),
                Map.entry("WebSocket", "Whether the request was a WebSocket upgrade; Pier's"),
                Map.entry("WebSocketClientMessages", "Messages the client sent on the WebSocket; Pier's"),
                Map.entry("WebSocketOriginMessages", "Messages the origin sent on the WebSocket; Pier's"),
                Map.entry("WebSocketCloseCode", "The first WebSocket close code seen (1005: a close without code, 0: none); Pier's"),
                Map.entry("WebSocketClosedBy", "Which side ended the WebSocket: client, origin or edge; Pier's"),
                Map.entry("WorkerScriptName", "The Worker script that handled the request"),
                Map.entry("WorkerStatus", "Status returned from Worker daemon (ok or exception)"),
                Map.entry("WorkerCPUTime", "Amount of time in microseconds spent executing a Worker, if any"),
                Map.entry("WorkerWallTimeUs", "The elapsed time in microseconds between the start of a Worker invocation and its end"));
        List<LogField> fields = new ArrayList<>();
        for (RequestLogFields.Field f : RequestLogFields.ALL) {
            Predicate<RequestLog> present = f.present();
            var value = f.value();
            fields.add(new LogField(f.name(), type(f.type()), descriptions.getOrDefault(f.name(), f.name()),
                    log -> present.test(log) ? value.apply(log) : null));
            if (f.name().equals("ClientRequestURI")) {
                fields.add(new LogField("ClientRequestPath", FieldType.STRING, "URI path requested by the client",
                        log -> path(log.clientRequestUri())));
            }
        }
        return fields;
    }

    private static List<LogField> webSocketFields() {
        return List.of(
                new LogField("BytesReceivedClient", FieldType.INT,
                        "Number of bytes received from the client (the upgrade request and every frame)", RequestLog::clientRequestBytes),
                new LogField("BytesReceivedOrigin", FieldType.INT,
                        "Number of bytes received from the origin (the 101 head and every frame)", RequestLog::originResponseBytes),
                new LogField("BytesSentClient", FieldType.INT,
                        "Number of bytes sent to the client (the 101 head and every frame)", RequestLog::edgeResponseBytes),
                new LogField("BytesSentOrigin", FieldType.INT,
                        "Number of bytes sent to the origin: the client's frames are forwarded byte for byte, so this is "
                                + "BytesReceivedClient for a proxied WebSocket and 0 for one a Worker served",
                        log -> log.workerScriptName() == null ? log.clientRequestBytes() : 0L),
                new LogField("ClientASN", FieldType.INT, "The client's autonomous system number; always 0 (Pier has no ASN data)",
                        log -> 0),
                new LogField("ClientIP", FieldType.STRING, "The client IP address", RequestLog::clientIp),
                new LogField("ClientRequestHost", FieldType.STRING, "The host requested by the client in the WebSocket upgrade request",
                        RequestLog::clientRequestHost),
                new LogField("ClientRequestPath", FieldType.STRING, "The path requested by the client in the WebSocket upgrade request",
                        log -> path(log.clientRequestUri())),
                new LogField("ClientRequestUserAgent", FieldType.STRING, "The user agent reported by the client",
                        RequestLog::clientRequestUserAgent),
                new LogField("ColoCode", FieldType.STRING, "Data center code; always null (a Pier node has none)", log -> null),
                new LogField("ConnectionCloseReason", FieldType.STRING,
                        "The reason the WebSocket connection ended: none, timedOut, peerReset, upstreamReset, protocolViolation, "
                                + "messageTooBig",
                        log -> CloseReason.reason(log.webSocketCloseCode(), log.webSocketClosedBy())),
                new LogField("ConnectionCloseSource", FieldType.STRING,
                        "Which side initiated the connection close: downstream (the client), upstream (the origin) or me (the edge)",
                        log -> closeSource(log.webSocketClosedBy())),
                new LogField("ConnectionID", FieldType.STRING, "Unique identifier of the WebSocket connection (its upgrade's Ray ID)",
                        RequestLog::rayId),
                new LogField("ConnectionTransportCloseCode", FieldType.INT,
                        "The first transport-level close code observed; always 0 (Pier does not record TLS alerts)", log -> 0),
                new LogField("EdgeEndTimestamp", FieldType.TIMESTAMP, "Timestamp at which the WebSocket connection closed",
                        RequestLog::edgeEndTimestamp),
                new LogField("EdgeStartTimestamp", FieldType.TIMESTAMP, "Timestamp at which the WebSocket upgrade request arrived",
                        RequestLog::edgeStartTimestamp),
                new LogField("RayID", FieldType.STRING, "The Ray ID of the WebSocket upgrade request", RequestLog::rayId),
                new LogField("WebSocketClientMessages", FieldType.INT, "Messages the client sent; Pier's",
                        RequestLog::webSocketClientMessages),
                new LogField("WebSocketOriginMessages", FieldType.INT, "Messages the origin (or Worker) sent; Pier's",
                        RequestLog::webSocketOriginMessages),
                new LogField("WebSocketCloseCode", FieldType.INT, "The first close code seen (1005: a close without code, 0: none); Pier's",
                        RequestLog::webSocketCloseCode),
                new LogField("ZoneName", FieldType.STRING, "Name of the zone; Pier's", RequestLog::zoneName));
    }

    private static String closeSource(RequestLog.ClosedBy closedBy) {
        if (closedBy == null) {
            return null;
        }
        return switch (closedBy) {
            case client -> "downstream";
            case origin -> "upstream";
            case edge -> "me";
        };
    }

    private static String path(String uri) {
        if (uri == null) {
            return null;
        }
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private static FieldType type(RequestLogFields.Type type) {
        return switch (type) {
            case STRING -> FieldType.STRING;
            case INT, LONG -> FieldType.INT;
            case BOOLEAN -> FieldType.BOOL;
            case TIMESTAMP -> FieldType.TIMESTAMP;
            case STRING_ARRAY -> FieldType.STRING_ARRAY;
        };
    }
}
