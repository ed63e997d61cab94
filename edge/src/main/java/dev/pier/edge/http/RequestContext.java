package dev.pier.edge.http;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogBuilder;
import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.ZoneUsage;
import dev.pier.config.Route;
import dev.pier.config.ZoneSettings;
import dev.pier.waf.Verdict;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One request on a client connection, from its head to its log record: what the phases learn
 * about it (the configuration snapshot it was read under, its route, the WAF's verdict) and where
 * its exchange stands. The snapshot is read once, when the head arrives; every phase of the
 * request uses that one. It is also where the record goes when a connection that outlived the
 * exchange (a WebSocket) finishes it: to the logging phase, with this context.
 */
public final class RequestContext implements RequestLogSink {

    /** Where the response stands. */
    enum Response {
        /** Nothing sent to the client yet. */
        AWAITED,
        /** A 1xx (not 101) was relayed; the final response follows. */
        INTERIM,
        /** The final response's head went to the client; its body is on its way. */
        STARTED,
        /** All of it was written. */
        COMPLETE;

        boolean started() {
            return this == STARTED || this == COMPLETE;
        }
    }

    final RequestLogBuilder log = RequestLog.builder();
    final EdgeContext.Snapshot snapshot;
    /** The client's connection. */
    final Channel client;
    final String scheme;
    private final RequestPhases phases;
    /** The request head (null for a head that never arrived), rewritten for the upstream as the phases go. */
    HttpRequest request;
    Route route;
    ZoneUsage usage;
    /** The WAF's verdict; null when the zone has no rules. */
    Verdict verdict;
    /** A WebSocket handshake. */
    boolean upgrade;
    /** One open WebSocket is counted against the zone's limit for this request. */
    boolean webSocketSlot;

    Response response = Response.AWAITED;
    /** The edge answered by itself; the rest of the request body is dropped. */
    boolean answeredByEdge;
    /** The request head went (or is waiting to go) to the upstream. */
    boolean forwarded;
    boolean requestComplete;
    /** The client connection closes after this exchange. */
    boolean closeAfter;
    /** The upstream connection's read count when this request's head was sent. */
    long upstreamReadMark;

    /**
     * The exchange became another protocol: what only its handshake needed (the head and its
     * headers, the route, the verdict) is let go, since the context lives on with the connection,
     * for days for an idle WebSocket.
     */
    void handshakeDone() {
        request = null;
        route = null;
        verdict = null;
    }

    RequestContext(EdgeContext.Snapshot snapshot, Channel client, String scheme, boolean keepAlive, RequestPhases phases) {
        this.snapshot = snapshot;
        this.client = client;
        this.scheme = scheme;
        this.phases = phases;
        this.closeAfter = !keepAlive;
        // what every record has, whatever becomes of the request
        log.rayId(RayIds.next());
        log.edgeStartTimestamp(java.time.Instant.now());
        log.clientRequestScheme(scheme);
        if (client.remoteAddress() instanceof InetSocketAddress remote) {
            log.clientIp(remote.getAddress().getHostAddress());
            log.clientSrcPort(remote.getPort());
        }
    }

    /** The logging phase, for a record finished after the exchange (kept for as long as the connection: no object of its own). */
    @Override
    public void accept(RequestLog record) {
        phases.logging(this, record);
    }

    /** The request's log record as the phases fill it in. */
    public RequestLogBuilder log() {
        return log;
    }

    public EdgeContext.Snapshot snapshot() {
        return snapshot;
    }

    public HttpRequest request() {
        return request;
    }

    /** The request's route; null before the zone phase found it. */
    public Route route() {
        return route;
    }

    /** The zone's settings; call after the zone phase. */
    public ZoneSettings settings() {
        return route.zone().settings();
    }

    public Verdict verdict() {
        return verdict;
    }

    public boolean upgrade() {
        return upgrade;
    }

    public Channel client() {
        return client;
    }

    /** The client's address; null on a channel without one (a test's). */
    public InetAddress clientAddress() {
        return client.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /** The port the client connected to; 0 on a channel without one. */
    public int localPort() {
        return client.localAddress() instanceof InetSocketAddress l ? l.getPort() : 0;
    }

    public boolean tls() {
        return "https".equals(scheme);
    }

    /** The zone's proxy_read_timeout, or the node's origin_response timeout. */
    java.time.Duration responseTimeout() {
        java.time.Duration node = snapshot.config().timeouts().originResponse();
        return route == null ? node : settings().originResponse(node);
    }

    /** Gives the zone's WebSocket slot back: the request did not become a WebSocket, or the tunnel took the count over. */
    void releaseWebSocketSlot() {
        if (webSocketSlot) {
            webSocketSlot = false;
            usage.closeWebSocket();
        }
    }
}
