package dev.pier.analytics;

import java.time.Instant;
import java.util.List;

/**
 * The log of one request (or one WebSocket connection), as it is handed to a
 * {@link RequestLogSink}: immutable, made once by {@link RequestLogBuilder#finish} when the
 * request ends. Field names follow Cloudflare's http_requests dataset where one exists;
 * {@link RequestLogFields} enumerates them with their Cloudflare names and types.
 *
 * @param clientRequestBytes bytes received from the client for this request: head and body, and frames once upgraded
 * @param edgeResponseBytes bytes sent to the client: the response head and body, or the 101 head and every frame
 * @param originResponseBytes bytes received from the origin (head, body or frames)
 * @param edgeError a short reason when the edge answered by itself (unknown host, origin errors, refusals)
 * @param securityAction the terminating security action (block, managedChallenge, jschallenge, challenge); null when none ended the request
 * @param securityRuleId the rule that took the security action
 * @param securityActions every security rule that acted (log, skip, block, …), in order; parallel to securityRuleIds and securitySources
 * @param securitySources where each action came from (Cloudflare's SecuritySources): firewallCustom, firewallManaged, rateLimit
 * @param wafAttackScore Cloudflare's WAF attack scores, 1 (attack) to 99 (clean); 0 when managed rules did not run
 * @param webSocketCloseCode the first close code seen on the connection, 1005 when a close frame had none, 0 for none
 * @param workerScriptName the Worker that answered, or null for an origin's request
 * @param workerStatus     how the Worker's invocation ended: {@code ok} or {@code exception} (Cloudflare's values)
 * @param workerCpuTime  the CPU time the Worker's code took, in microseconds (of the request; of every event for a WebSocket)
 * @param workerWallTimeUs the time from the invocation to its response (to the socket's close for a WebSocket), in microseconds
 */
public record RequestLog(
        String rayId,
        String clientIp,
        int clientSrcPort,
        String clientRequestScheme,
        String clientRequestHost,
        String clientRequestMethod,
        String clientRequestUri,
        String clientRequestProtocol,
        String clientRequestUserAgent,
        long clientRequestBytes,
        Instant edgeStartTimestamp,
        Instant edgeEndTimestamp,
        int edgeResponseStatus,
        long edgeResponseBytes,
        int originResponseStatus,
        long originResponseBytes,
        String originIp,
        String zoneName,
        String edgeError,
        String securityAction,
        String securityRuleId,
        List<String> securityActions,
        List<String> securityRuleIds,
        List<String> securitySources,
        int wafAttackScore,
        int wafSqliAttackScore,
        int wafXssAttackScore,
        int wafRceAttackScore,
        boolean webSocket,
        long webSocketClientMessages,
        long webSocketOriginMessages,
        int webSocketCloseCode,
        ClosedBy webSocketClosedBy,
        String workerScriptName,
        String workerStatus,
        long workerCpuTime,
        long workerWallTimeUs) {

    /** Which side ended a WebSocket connection. */
    public enum ClosedBy { client, origin, edge }

    public RequestLog {
        securityActions = securityActions == null ? null : List.copyOf(securityActions);
        securityRuleIds = securityRuleIds == null ? null : List.copyOf(securityRuleIds);
        securitySources = securitySources == null ? null : List.copyOf(securitySources);
    }

    /** A builder for a new request's log. */
    public static RequestLogBuilder builder() {
        return new RequestLogBuilder();
    }
}
