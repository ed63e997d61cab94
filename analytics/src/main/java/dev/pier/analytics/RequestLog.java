package dev.pier.analytics;

import java.time.Instant;

/**
 * The log of one request, filled in as the request progresses and handed to a
 * {@link RequestLogSink} once when the request (or the WebSocket connection) ends.
 *
 * <p>Confined to the connection's event loop until it is emitted; the sink's queue hands it to
 * the writer thread. Field names follow Cloudflare's http_requests dataset where one exists.
 */
public final class RequestLog {

    /** Which side ended a WebSocket connection. */
    public enum ClosedBy { client, origin, edge }

    public String rayId;
    public String clientIp;
    public int clientSrcPort;
    public String clientRequestScheme = "http";
    public String clientRequestHost;
    public String clientRequestMethod;
    public String clientRequestUri;
    public String clientRequestProtocol;
    public String clientRequestUserAgent;
    /** Bytes received from the client for this request: head and body, and frames once upgraded. */
    public long clientRequestBytes;
    public Instant edgeStartTimestamp;
    public Instant edgeEndTimestamp;
    public int edgeResponseStatus;
    /** Bytes sent to the client: the response head and body, or the 101 head and every frame. */
    public long edgeResponseBytes;
    public int originResponseStatus;
    /** Bytes received from the origin (head, body or frames). */
    public long originResponseBytes;
    public String originIp;
    public String zoneName;
    /** A short reason when the edge answered by itself (unknown host, origin errors, refusals). */
    public String edgeError;

    /** The terminating security action (block, managedChallenge, jschallenge, challenge); null when none ended the request. */
    public String securityAction;
    /** The rule that took {@link #securityAction}. */
    public String securityRuleId;
    /** Every security rule that acted (log, skip, block, …), in order; parallel to the two lists below. */
    public java.util.List<String> securityActions;
    public java.util.List<String> securityRuleIds;
    /** Where each action came from (Cloudflare's SecuritySources): firewallCustom, firewallManaged, rateLimit. */
    public java.util.List<String> securitySources;
    /** Cloudflare's WAF attack scores, 1 (attack) to 99 (clean); 0 when managed rules did not run. */
    public int wafAttackScore;
    public int wafSqliAttackScore;
    public int wafXssAttackScore;
    public int wafRceAttackScore;

    public boolean webSocket;
    public long webSocketClientMessages;
    public long webSocketOriginMessages;
    /** The first close code seen on the connection, 1005 when a close frame had none, 0 for none. */
    public int webSocketCloseCode;
    public ClosedBy webSocketClosedBy;

    private boolean emitted;

    /** Marks the record done; returns false if it was already emitted (never log twice). */
    public boolean finish(Instant end) {
        if (emitted) {
            return false;
        }
        emitted = true;
        edgeEndTimestamp = end;
        return true;
    }
}
