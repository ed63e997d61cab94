package dev.pier.logpush;

import dev.pier.analytics.RequestLog;
import java.time.Instant;
import java.util.List;

/** Request logs for tests: a plain request and a WebSocket connection, with every field the datasets read. */
final class Records {

    static final Instant START = Instant.parse("2026-05-01T12:00:00.123456789Z");

    private Records() {
    }

    static RequestLog request(String rayId, String host, String uri, int status) {
        return RequestLog.builder().rayId(rayId).zoneName("example.com").clientIp("203.0.113.7").clientSrcPort(40000)
                .clientRequestScheme("https").clientRequestHost(host).clientRequestMethod("GET").clientRequestUri(uri)
                .clientRequestProtocol("HTTP/1.1").clientRequestUserAgent("agent \"quoted\"").clientRequestBytes(120)
                .edgeStartTimestamp(START).edgeResponseStatus(status).edgeResponseBytes(2048).originResponseStatus(status)
                .originResponseBytes(2000).originIp("10.0.0.2").finish(START.plusMillis(5));
    }

    static RequestLog inZone(String zone, String rayId) {
        return RequestLog.builder().rayId(rayId).zoneName(zone).clientIp("203.0.113.8").clientRequestScheme("https")
                .clientRequestHost(zone).clientRequestMethod("GET").clientRequestUri("/api/v1").clientRequestProtocol("HTTP/1.1")
                .edgeStartTimestamp(START).edgeResponseStatus(200).finish(START.plusMillis(1));
    }

    static RequestLog blocked(String rayId) {
        return RequestLog.builder().rayId(rayId).zoneName("example.com").clientIp("198.51.100.1").clientRequestScheme("https")
                .clientRequestHost("example.com").clientRequestMethod("GET").clientRequestUri("/admin").clientRequestProtocol("HTTP/1.1")
                .edgeStartTimestamp(START).edgeResponseStatus(403).securityAction("block").securityRuleId("r1")
                .securityActions(List.of("log", "block")).securityRuleIds(List.of("r0", "r1"))
                .securitySources(List.of("firewallCustom", "firewallCustom")).finish(START.plusMillis(1));
    }

    static RequestLog webSocket(String rayId, int closeCode, RequestLog.ClosedBy closedBy) {
        return RequestLog.builder().rayId(rayId).zoneName("example.com").clientIp("203.0.113.9").clientRequestScheme("https")
                .clientRequestHost("chat.example.com").clientRequestMethod("GET").clientRequestUri("/socket?room=1")
                .clientRequestProtocol("HTTP/1.1").clientRequestUserAgent("ws-client").clientRequestBytes(500)
                .edgeStartTimestamp(START).edgeResponseStatus(101).edgeResponseBytes(9000).originResponseStatus(101)
                .originResponseBytes(8900).originIp("10.0.0.3").webSocket(true).webSocketClientMessages(3).webSocketOriginMessages(7)
                .webSocketCloseCode(closeCode).webSocketClosedBy(closedBy).finish(START.plusSeconds(60));
    }
}
