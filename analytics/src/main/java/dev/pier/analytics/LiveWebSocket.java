package dev.pier.analytics;

import java.time.Instant;

/**
 * One WebSocket open now, as a query reads it: who it is, where it is open and what it has
 * carried so far.
 *
 * @param node               the node that holds it
 * @param zone               its zone's name
 * @param rayId              its upgrade's RayID, which also identifies the connection
 * @param clientIp           the client's address
 * @param host               the {@code Host} of its upgrade request
 * @param path               the path of its upgrade request, without the query string
 * @param startedAt          when its upgrade request arrived
 * @param clientMessages     messages from the client so far
 * @param originMessages     messages from the origin (or Worker) so far
 * @param clientRequestBytes bytes from the client so far, the upgrade request included
 * @param edgeResponseBytes  bytes to the client so far, the 101 included
 */
public record LiveWebSocket(String node, String zone, String rayId, String clientIp, String host, String path, Instant startedAt,
                            long clientMessages, long originMessages, long clientRequestBytes, long edgeResponseBytes) {

    /** What {@code socket} shows now; its counters may be a few reads behind (see {@link OpenWebSocket}). */
    public static LiveWebSocket of(String node, String zone, OpenWebSocket socket) {
        RequestLogBuilder record = socket.record();
        String uri = record.clientRequestUri();
        int query = uri == null ? -1 : uri.indexOf('?');
        return new LiveWebSocket(node, zone, record.rayId(), record.clientIp(), record.clientRequestHost(),
                query < 0 ? uri : uri.substring(0, query), record.edgeStartTimestamp(), socket.clientMessages(),
                socket.originMessages(), socket.clientRequestBytes(), socket.edgeResponseBytes());
    }
}
