package dev.pier.edge.http;

import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.upstream.Upstream;
import dev.pier.edge.upstream.UpstreamConnection;
import dev.pier.edge.upstream.UpstreamPeer;
import dev.pier.waf.Verdict;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs a request's phases in order and proxies what they let through: opens (or reuses) the
 * client connection's upstream connection, sends the head and body, relays the response, and on
 * a valid 101 hands both connections to the tunnel. One per client connection, on its event
 * loop; every error goes to the client side's one funnel ({@link Downstream#fail}).
 */
final class ProxyFlow implements dev.pier.edge.upstream.UpstreamListener {

    private final RequestPhases phases;
    private final Upstream upstream;
    private final Downstream client;
    private UpstreamConnection connection;
    /** The request head waiting for the upstream connection. */
    private HttpRequest pendingHead;

    ProxyFlow(RequestPhases phases, Upstream upstream, Downstream client) {
        this.phases = phases;
        this.upstream = upstream;
        this.client = client;
    }

    // ---------------------------------------------------------------- request phases

    /** A request head arrived: the phases judge it, and it is answered by the edge or goes upstream. */
    void start(RequestContext rc) {
        try {
            phases.requestHead(rc);
            phases.zone(rc);
            phases.upgradePolicy(rc);
            FullHttpResponse early = phases.earlyResponse(rc);
            if (early != null) {
                client.respond(rc, early);
                return;
            }
            CompletionStage<Verdict> judging = phases.waf(rc);
            CompletableFuture<Verdict> verdict = judging == null ? null : judging.toCompletableFuture();
            if (verdict == null || verdict.isDone()) {
                rc.verdict = verdict == null ? null : verdict.join();
                admit(rc);
            } else {
                verdict.whenComplete((v, error) -> judged(rc, v, error)); // completes on this event loop
            }
        } catch (RuntimeException e) {
            client.fail(rc, e);
        }
    }

    private void judged(RequestContext rc, Verdict verdict, Throwable error) {
        if (client.current() != rc || !rc.client.isActive()) {
            return;
        }
        try {
            if (error != null) {
                throw EdgeException.from(error);
            }
            rc.verdict = verdict;
            admit(rc);
        } catch (RuntimeException e) {
            client.fail(rc, e);
        }
    }

    private void admit(RequestContext rc) {
        FullHttpResponse refusal = phases.admission(rc);
        if (refusal != null) {
            client.respond(rc, refusal);
            return;
        }
        UpstreamPeer peer = phases.upstreamPeer(rc);
        phases.upstreamRequest(rc, rc.request);
        rc.forwarded = true;
        if (connection != null && connection.serves(peer) && connection.reusable()) {
            rc.upstreamReadMark = connection.bytesRead();
            rc.log.originIp(connection.remoteIp());
            connection.sendHead(rc.request, rc.responseTimeout(), rc.log);
            return;
        }
        drop();
        pendingHead = rc.request;
        connection = upstream.connect(peer, rc.client, this);
    }

    // ---------------------------------------------------------------- the request body

    /** Whether what the client sends next can go upstream now. */
    boolean upstreamConnected() {
        return connection != null && connection.connected();
    }

    boolean upstreamWritable() {
        return upstreamConnected() && connection.writable();
    }

    /** Sends part of the request body upstream; false (and the content is still the caller's) when there is no upstream. */
    boolean sendContent(HttpContent content) {
        if (connection == null) {
            return false;
        }
        connection.sendContent(content);
        return true;
    }

    void flushUpstream() {
        if (connection != null) {
            connection.flush();
        }
    }

    /** The client can take more: the upstream's response flows again. */
    void clientWritable() {
        if (connection != null) {
            connection.resumeReading();
        }
    }

    /** Closes the upstream connection, if any: it has part of a request it must never see completed, or the client is gone. */
    void drop() {
        UpstreamConnection dropped = connection;
        connection = null;
        pendingHead = null;
        if (dropped != null) {
            dropped.close();
        }
    }

    // ---------------------------------------------------------------- the upstream's side

    @Override
    public void upstreamConnected(UpstreamConnection connected) {
        RequestContext rc = client.current();
        if (connected != connection || rc == null || pendingHead == null) {
            connected.close();
            return;
        }
        HttpRequest head = pendingHead;
        pendingHead = null;
        rc.log.originIp(connected.remoteIp());
        rc.upstreamReadMark = connected.bytesRead();
        connected.sendHead(head, rc.responseTimeout(), rc.log);
        client.upstreamReady();
        connected.flush();
        client.readIfWanted();
    }

    /** Before the response began, the client gets the error; after, the connection closes and its close ends the exchange. */
    @Override
    public void upstreamFailed(UpstreamConnection failed, EdgeException failure) {
        RequestContext rc = client.current();
        if (failed != connection || rc == null || rc.answeredByEdge || rc.response.started()) {
            failed.close();
            if (failure.source() == EdgeError.Source.INTERNAL) {
                client.fail(rc, failure);
            }
            return;
        }
        drop();
        if (failure.error() == EdgeError.PROHIBITED_ORIGIN) {
            rc.log.originIp(failed.remoteIp()); // the refused address, for the operator
        }
        client.fail(rc, failure);
    }

    @Override
    public void upstreamMessage(UpstreamConnection from, HttpObject message) {
        RequestContext rc = client.current();
        if (from != connection || rc == null || rc.answeredByEdge) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse response && !relayHead(rc, response)) {
            return; // a tunnel now, or refused
        }
        if (message instanceof HttpContent content) {
            client.write(content);
            if (content instanceof LastHttpContent) {
                if (rc.response == RequestContext.Response.INTERIM) {
                    rc.response = RequestContext.Response.AWAITED;
                    return;
                }
                rc.response = RequestContext.Response.COMPLETE;
                rc.log.originResponseBytes(from.bytesRead() - rc.upstreamReadMark);
                if (!rc.requestComplete) {
                    rc.requestComplete = true; // the upstream answered early; the rest of the body is not wanted
                    rc.closeAfter = true;
                }
                client.responseComplete(rc);
            }
        }
    }

    /** Relays a response head; false when it was not relayed (the connection became a tunnel, or the 101 was refused). */
    private boolean relayHead(RequestContext rc, HttpResponse response) {
        int status = response.status().code();
        rc.log.originResponseStatus(status);
        if (status == 101) {
            String problem = rc.upgrade ? Handshake.responseProblem(response, rc.request)
                    : "101 to a request that asked for no protocol switch";
            if (problem != null) {
                // A switch without a valid WebSocket handshake opens no tunnel: the client's next
                // bytes would reach the upstream unjudged.
                drop();
                client.fail(rc, EdgeException.of(EdgeError.ORIGIN_BAD_HANDSHAKE, problem));
            } else {
                UpstreamConnection tunnelled = connection;
                connection = null;
                client.switchToTunnel(rc, response, tunnelled);
            }
            return false;
        }
        phases.upstreamResponse(rc, response);
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            rc.response = RequestContext.Response.INTERIM; // 100 Continue, 103 Early Hints: relayed, the real response follows
            client.write(response);
            return true;
        }
        rc.response = RequestContext.Response.STARTED;
        rc.log.edgeResponseStatus(status);
        rc.releaseWebSocketSlot();
        if (!HttpUtil.isContentLengthSet(response) && !HttpUtil.isTransferEncodingChunked(response) && mayHaveBody(rc, status)) {
            // The upstream delimits this body by closing; the client gets it chunked and keeps its connection.
            if (rc.log.clientRequestProtocol().equals(HttpVersion.HTTP_1_1.text())) {
                HttpUtil.setTransferEncodingChunked(response, true);
            } else {
                rc.closeAfter = true;
            }
        }
        phases.response(rc, response);
        HttpUtil.setKeepAlive(response, !rc.closeAfter);
        client.write(response);
        return true;
    }

    private static boolean mayHaveBody(RequestContext rc, int status) {
        return status >= 200 && status != 204 && status != 304 && !HttpMethod.HEAD.name().equals(rc.log.clientRequestMethod());
    }

    @Override
    public boolean upstreamReadComplete(UpstreamConnection from) {
        client.flush();
        return client.writable();
    }

    @Override
    public void upstreamWritable(UpstreamConnection from) {
        client.readIfWanted();
    }

    @Override
    public void upstreamClosed(UpstreamConnection closed) {
        if (closed != connection) {
            return;
        }
        connection = null;
        pendingHead = null;
        RequestContext rc = client.current();
        if (rc == null || rc.answeredByEdge || rc.response == RequestContext.Response.COMPLETE) {
            return;
        }
        if (!rc.response.started()) {
            client.fail(rc, EdgeException.of(EdgeError.ORIGIN_EMPTY_RESPONSE, null));
        } else {
            // The body was cut short: the client must not take a truncated body for a whole one.
            rc.log.edgeError("origin closed mid-response");
            client.abort();
        }
    }
}
