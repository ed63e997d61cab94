package dev.pier.edge.http;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogBuilder;
import dev.pier.analytics.ZoneUsage;
import dev.pier.config.ZoneSettings;

/** One request/response exchange on a client connection: what the phases learn about it. */
final class Exchange {

    final RequestLogBuilder log = RequestLog.builder();
    ZoneSettings settings;
    ZoneUsage usage;
    boolean upgrade;
    /** The upgrade request as forwarded, for checking the origin's 101 against it. */
    io.netty.handler.codec.http.HttpRequest upgradeRequest;
    /** One open WebSocket is counted against the zone's limit for this exchange. */
    boolean webSocketSlot;
    boolean requestComplete;
    boolean responseStarted;
    /** A 1xx response (not 101) is being relayed; the final response follows it. */
    boolean informational;
    boolean responseComplete;
    /** The edge answered by itself; the rest of the request body is dropped. */
    boolean answeredByEdge;
    /** The client connection closes after this exchange. */
    boolean closeAfter;
    /** The origin connection's read count when this exchange's request was sent. */
    long originReadMark;

    Exchange(boolean keepAlive) {
        this.closeAfter = !keepAlive;
    }
}
