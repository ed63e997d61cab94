package dev.pier.edge.http;

import dev.pier.edge.upstream.UpstreamConnection;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;

/** The client side of a proxied request, as the {@link ProxyFlow} drives it: what it may write and when the exchange ends. */
interface Downstream {

    /** The request being served; null between requests. */
    RequestContext current();

    /** Queues a response message toward the client (flushed at the end of the upstream's read batch). */
    void write(HttpObject message);

    void flush();

    /** Whether the client takes more without buffering past its high water mark. */
    boolean writable();

    /** Answers with a response the edge made itself; the upstream is not (or no longer) involved. */
    void respond(RequestContext rc, FullHttpResponse response);

    /** Ends the request with an error: the one place that logs, answers and decides whether the connection stays. */
    void fail(RequestContext rc, Throwable error);

    /** The upstream's response was written in full. */
    void responseComplete(RequestContext rc);

    /** The upstream connection is up: what waited for it (request body, the next request) goes on. */
    void upstreamReady();

    /** Reads from the client when what it sends can go on. */
    void readIfWanted();

    /** Closes the client connection now: a response cut short must not pass for a whole one. */
    void abort();

    /** The upstream accepted the WebSocket handshake with {@code response}: both connections become a tunnel. */
    void switchToTunnel(RequestContext rc, HttpResponse response, UpstreamConnection upstream);
}
