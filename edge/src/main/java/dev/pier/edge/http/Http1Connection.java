package dev.pier.edge.http;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.transport.ByteCounter;
import dev.pier.edge.upstream.UpstreamConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;

/**
 * A client connection while it speaks HTTP/1.1: reads requests, one exchange at a time, and
 * hands each to the {@link ProxyFlow}; writes what comes back; ends each exchange with its one
 * request record. A pipelined request waits in {@code deferred} until the current response is
 * complete. Reading is explicit (auto-read is off): the client is read while its request body
 * can go on, and the upstream while the client can take more. Every error of a request ends in
 * {@link #fail}, which logs it, answers it and decides whether the connection stays.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter implements Downstream, HeadTimer.Expiry {

    static final String CODEC = "http";

    private final EdgeContext edge;
    private final RequestPhases phases;
    private final String scheme;
    private final ExchangeTraffic traffic;
    private final HeadTimer headTimer;
    private final ProxyFlow flow;
    private ChannelHandlerContext ctx;
    private RequestContext exchange;
    /** Messages that arrived before they could be handled. */
    private final DeferredMessages deferred = new DeferredMessages();
    /** The connection closes once the last response is written: nothing more is read or served. */
    private boolean closing;

    Http1Connection(EdgeContext edge, RequestPhases phases, String scheme, ByteCounter traffic) {
        this.edge = edge;
        this.phases = phases;
        this.scheme = scheme;
        this.traffic = new ExchangeTraffic(traffic);
        this.headTimer = new HeadTimer(traffic, this);
        this.flow = new ProxyFlow(phases, edge.upstream(), this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        awaitHead();
        ctx.read();
        ctx.fireChannelActive();
    }

    private void awaitHead() {
        headTimer.start(ctx.executor(), edge.snapshot().config().timeouts().requestHead());
    }

    @Override
    public void idle() {
        if (exchange == null) {
            ctx.close();
        }
    }

    @Override
    public void trickled() {
        if (exchange != null || !ctx.channel().isActive()) {
            return;
        }
        RequestContext rc = exchange = new RequestContext(edge.snapshot(), ctx.channel(), scheme, false, phases);
        rc.requestComplete = true;
        fail(rc, EdgeException.of(EdgeError.REQUEST_TIMEOUT, null));
    }

    // ---------------------------------------------------------------- what the client sends

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject) || closing) {
            // After a response that closes the connection, what the decoder still produces from
            // the same read is never served: it was not judged, and nobody will read its answer.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (mustDefer(msg)) {
            deferred.add(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            headTimer.cancel();
            RequestContext rc = exchange = new RequestContext(edge.snapshot(), ctx.channel(), scheme,
                    HttpUtil.isKeepAlive(request) && !edge.draining(), phases);
            rc.request = request;
            flow.start(rc);
        }
        if (msg instanceof HttpContent content) {
            onRequestContent(content);
        }
    }

    private boolean mustDefer(Object msg) {
        if (exchange == null) {
            return false;
        }
        if (msg instanceof HttpRequest) {
            return true; // pipelined: waits for the current exchange to end
        }
        return !exchange.answeredByEdge && !flow.upstreamConnected();
    }

    private void onRequestContent(HttpContent content) {
        RequestContext rc = exchange;
        if (content.decoderResult().isFailure()) {
            content.release();
            badRequestBody(rc, content.decoderResult().cause());
            return;
        }
        boolean completes = content instanceof LastHttpContent && rc != null && !rc.requestComplete;
        if (completes) {
            // before the upstream sees the end: one that answers at once (a Worker) must find the request whole,
            // or its response would be taken for an early answer and the kept-alive connection closed under it
            rc.requestComplete = true;
        }
        if (rc == null || rc.answeredByEdge || !flow.sendContent(content)) {
            content.release();
        }
        if (completes && exchange == rc) {
            completeIfDone();
        }
    }

    /**
     * The request body cannot be framed (a bad chunk size, junk after a chunk): the upstream has
     * part of a body it must never see completed, so its connection is closed, not reused, and
     * the client gets 400 (or, when the response has begun, a closed connection).
     */
    private void badRequestBody(RequestContext rc, Throwable cause) {
        flow.drop();
        if (rc == null || rc.answeredByEdge) {
            ctx.close();
            return;
        }
        rc.requestComplete = true;
        fail(rc, EdgeException.closing(EdgeError.BAD_REQUEST, "The request body is not validly framed: " + cause.getMessage()));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flow.flushUpstream();
        readIfWanted();
    }

    @Override
    public void readIfWanted() {
        if (closing) {
            return;
        }
        RequestContext rc = exchange;
        if (rc == null) {
            if (deferred.isEmpty()) {
                ctx.read();
            }
        } else if (!rc.requestComplete && (rc.answeredByEdge || flow.upstreamWritable())) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            flow.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    // ---------------------------------------------------------------- what goes back

    @Override
    public RequestContext current() {
        return exchange;
    }

    @Override
    public void write(HttpObject message) {
        ctx.write(message, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean writable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void respond(RequestContext rc, FullHttpResponse response) {
        rc.answeredByEdge = true;
        rc.log.edgeResponseStatus(response.status().code());
        rc.releaseWebSocketSlot();
        // Once the request went upstream, its body went along; before, a body would have to be read and thrown away.
        rc.closeAfter |= rc.forwarded ? !rc.requestComplete : rc.request != null && RequestHeadCheck.hasBody(rc.request);
        if (rc.closeAfter) {
            rc.requestComplete = true;
        }
        phases.response(rc, response);
        HttpUtil.setKeepAlive(response, !rc.closeAfter);
        ctx.writeAndFlush(response, ctx.voidPromise());
        rc.response = RequestContext.Response.COMPLETE;
        completeIfDone();
    }

    @Override
    public void fail(RequestContext rc, Throwable error) {
        EdgeException e = EdgeException.from(error);
        ErrorLog.report(rc, e);
        if (rc == null) {
            ctx.close();
            return;
        }
        if (rc != exchange) {
            return; // the exchange ended meanwhile
        }
        rc.log.edgeError(e.error().name());
        if (rc.response.started() || rc.answeredByEdge) {
            ctx.close(); // too late for an answer: a response cut short must not pass for a whole one
            return;
        }
        rc.closeAfter |= e.closesConnection();
        respond(rc, phases.failToProxy(rc, e));
    }

    @Override
    public void responseComplete(RequestContext rc) {
        completeIfDone();
    }

    @Override
    public void upstreamReady() {
        replayDeferred();
    }

    @Override
    public void abort() {
        ctx.close();
    }

    @Override
    public void switchToTunnel(RequestContext rc, HttpResponse response, UpstreamConnection upstream) {
        headTimer.cancel();
        deferred.release(); // nothing but frames may follow an upgrade request
        exchange = null;
        TunnelSwitch.open(ctx, rc, response, upstream, phases, () -> traffic.countInto(rc));
    }

    // ---------------------------------------------------------------- the end of an exchange

    private void completeIfDone() {
        RequestContext rc = exchange;
        if (rc == null || !rc.requestComplete || rc.response != RequestContext.Response.COMPLETE) {
            return;
        }
        exchange = null;
        emit(rc);
        if (rc.closeAfter) {
            closing = true;
            deferred.release();
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        replayDeferred();
        if (exchange == null) {
            awaitHead();
        }
        readIfWanted();
    }

    private void emit(RequestContext rc) {
        traffic.countInto(rc);
        RequestLog record = rc.log.finish(Instant.now());
        if (record != null) {
            phases.logging(rc, record);
        }
    }

    /** Handles what waited, as far as it can be handled now, and sends it on. */
    private void replayDeferred() {
        if (deferred.isEmpty()) {
            return;
        }
        while (!deferred.isEmpty() && !mustDefer(deferred.peek())) {
            channelRead(ctx, deferred.poll());
        }
        flow.flushUpstream();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        headTimer.cancel();
        deferred.release();
        flow.drop();
        RequestContext rc = exchange;
        if (rc != null) {
            exchange = null;
            rc.releaseWebSocketSlot();
            if (rc.log.edgeResponseStatus() == 0) {
                rc.log.edgeResponseStatus(499); // the client closed before the response (nginx's convention)
            }
            emit(rc);
        }
        ctx.fireChannelInactive();
    }

    /** A reset or a broken TLS record just closes; anything else thrown on this connection is a fault of the edge (500). */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (EdgeException.isPeerFailure(cause)) {
            ctx.close();
        } else {
            fail(exchange, cause);
        }
    }

    /** On {@link EdgeContext#DRAIN}: an idle connection closes now, a busy one after its exchange. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == EdgeContext.DRAIN) {
            if (exchange == null) {
                ctx.close();
            } else {
                exchange.closeAfter = true;
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }
}
