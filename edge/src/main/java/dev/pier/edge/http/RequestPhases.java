package dev.pier.edge.http;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.upstream.UpstreamPeer;
import dev.pier.waf.Verdict;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.CompletionStage;

/**
 * The phases of a request, in the order the client connection runs them (docs/ARCHITECTURE.md,
 * "Request phases"). Each has a default that does nothing, so an implementation says only what
 * it decides. A phase ends the request with the edge's own answer by throwing an
 * {@link EdgeException} (or, for the phases that may, by returning a response); whatever else it
 * throws is a fault of the edge and is answered with 500. Every phase runs on the client
 * connection's event loop and must not block.
 */
public interface RequestPhases {

    /** Request head: the head's limits and framing, before anything reads it. */
    default void requestHead(RequestContext rc) {
    }

    /** Zone: which zone and DNS record serve the request's Host (sets {@link RequestContext#route()}), and whether this connection may ask for it. */
    default void zone(RequestContext rc) {
    }

    /** Upgrade policy: whether the zone takes a WebSocket handshake, and whether the handshake is valid. */
    default void upgradePolicy(RequestContext rc) {
    }

    /** Early response: an answer the edge gives before the rules judge the request (a challenge's answer), or null. */
    default FullHttpResponse earlyResponse(RequestContext rc) {
        return null;
    }

    /**
     * WAF: the zone's rules judge the request head. Null when the zone has no rules; otherwise the
     * verdict, which may complete later (shared rate limit counters) and never fails.
     */
    default CompletionStage<Verdict> waf(RequestContext rc) {
        return null;
    }

    /** Admission: acts on the verdict ({@link RequestContext#verdict()}, null without rules); a refusal's response, or null to go on. */
    default FullHttpResponse admission(RequestContext rc) {
        return null;
    }

    /** Upstream peer: where the request goes. */
    UpstreamPeer upstreamPeer(RequestContext rc);

    /** Upstream request: the head as the upstream gets it (forwarding headers, an origin rule's Host). */
    default void upstreamRequest(RequestContext rc, HttpRequest head) {
    }

    /** Upstream response: the upstream's response head as the client gets it, 1xx and 101 included. */
    default void upstreamResponse(RequestContext rc, HttpResponse head) {
    }

    /** Response: every final response head the client gets, the edge's own and the upstream's, the 101 included. */
    default void response(RequestContext rc, HttpResponse head) {
    }

    /** Fail to proxy: the answer for an error that ends the request before its response began. */
    FullHttpResponse failToProxy(RequestContext rc, EdgeException error);

    /** Logging: the request's record, once, whatever became of the request (a WebSocket's is made when it closes). */
    default void logging(RequestContext rc, RequestLog record) {
    }
}
