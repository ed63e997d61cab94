package dev.pier.edge.http;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogBuilder;
import dev.pier.config.Route;
import dev.pier.config.RoutingTable;
import dev.pier.config.SslMode;
import dev.pier.config.Timeouts;
import dev.pier.edge.tunnel.Extensions;
import dev.pier.edge.tunnel.Tunnel;
import dev.pier.rules.Context;
import dev.pier.waf.RequestFields;
import dev.pier.waf.UrlNormalizer;
import dev.pier.waf.Verdict;
import dev.pier.waf.ZoneWaf;
import dev.pier.waf.challenge.Clearances;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client half of a proxied connection while it speaks HTTP/1.1. It runs the request
 * phases in order — request head limits, zone lookup, the websockets setting, the handshake
 * checks, origin connect, forwarding — relays the origin's response, and on a 101 hands both
 * channels over to a {@link Tunnel}.
 *
 * <p>One exchange at a time: a pipelined request waits in {@code deferred} until the current
 * response is complete. Reading is explicit (auto-read is off): the client is read while its
 * request body can go on to the origin, and the origin while the client can take more.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(ProxyHandler.class);

    static final String CODEC = "http";

    private final EdgeContext edge;
    private final String scheme;
    private final TrafficCounter traffic;
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private OriginHandler origin;
    /** Messages that arrived before they could be handled; null while empty (most of the time). */
    private ArrayDeque<Object> deferred;
    /** The request head waiting for the origin connection. */
    private HttpRequest pendingHead;
    /** Runs while a request head is awaited (slowloris defence, keep-alive idle limit). */
    private ScheduledFuture<?> headTimer;
    /** The connection closes once the last response is written: nothing more is read or served. */
    private boolean closing;
    /** The traffic counters when the current exchange began. */
    private long readMark;
    private long writtenMark;

    ProxyHandler(EdgeContext edge, String scheme, TrafficCounter traffic) {
        this.edge = edge;
        this.scheme = scheme;
        this.traffic = traffic;
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

    /**
     * Starts the request head timer: a client that trickles a head (slowloris) gets 408 and is
     * cut off; a keep-alive connection that sends nothing at all is closed quietly.
     */
    private void awaitHead() {
        cancelHeadTimer();
        long nanos = edge.snapshot().config().timeouts().requestHead().toNanos();
        headTimer = ctx.executor().schedule(this::headTimedOut, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    private void headTimedOut() {
        headTimer = null;
        if (exchange != null || !ctx.channel().isActive()) {
            return;
        }
        if (traffic.read == readMark) {
            ctx.close(); // idle keep-alive connection: nothing to answer
            return;
        }
        exchange = new Exchange(false);
        identify(exchange.log);
        exchange.requestComplete = true;
        answer(EdgeError.REQUEST_TIMEOUT, null, null);
    }

    // ---------------------------------------------------------------- client messages

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject) || closing) {
            // After a response that closes the connection, what the decoder still produces from
            // the same read is never served: it was not judged, and nobody will read its answer.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (mustDefer(msg)) {
            if (deferred == null) {
                deferred = new ArrayDeque<>(4);
            }
            deferred.add(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            onRequestHead(request);
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
        return !exchange.answeredByEdge && (origin == null || !origin.connected());
    }

    /** The parts of a log record every request has, whatever becomes of it. */
    private void identify(RequestLogBuilder log) {
        log.rayId(RayIds.next());
        log.edgeStartTimestamp(Instant.now());
        log.clientRequestScheme(scheme);
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            log.clientIp(remote.getAddress().getHostAddress());
            log.clientSrcPort(remote.getPort());
        }
    }

    private void onRequestHead(HttpRequest request) {
        cancelHeadTimer();
        Exchange ex = exchange = new Exchange(HttpUtil.isKeepAlive(request) && !edge.draining());
        RequestLogBuilder log = ex.log;
        identify(log);
        log.clientRequestMethod(request.method().name());
        log.clientRequestUri(request.uri());
        log.clientRequestProtocol(request.protocolVersion().text());
        log.clientRequestHost(request.headers().get(HttpHeaderNames.HOST));
        log.clientRequestUserAgent(request.headers().get(HttpHeaderNames.USER_AGENT));

        RequestHeadCheck.Refusal refused = RequestHeadCheck.head(request);
        log.clientRequestUri(request.uri()); // in origin-form now, with the Host it named
        log.clientRequestHost(request.headers().get(HttpHeaderNames.HOST));
        if (refused != null) {
            if (refused.close()) {
                ex.requestComplete = true;
                ex.closeAfter = true;
            }
            answer(refused.error(), refused.detail(), request);
            return;
        }
        String host = log.clientRequestHost();
        EdgeContext.Snapshot snapshot = edge.snapshot();
        Route route = snapshot.routes().resolve(host);
        if (route == null) {
            answer(EdgeError.UNKNOWN_HOST, "Host: " + host, request);
            return;
        }
        ex.settings = route.zone().settings();
        log.zoneName(route.zone().name());
        ex.usage = edge.usage().zone(log.zoneName());
        ex.usage.request();
        refused = TlsPolicy.refusal(ctx.channel(), host, route);
        if (refused != null) {
            answer(refused.error(), refused.detail(), request);
            return;
        }

        if (Handshake.isUpgrade(request)) {
            ex.upgrade = true;
            ex.upgradeRequest = request;
            refused = RequestHeadCheck.upgrade(request, ex.settings, log.zoneName());
            if (refused != null) {
                answer(refused.error(), refused.detail(), request);
                return;
            }
        }
        InetAddress client = clientAddress();
        if (!ex.upgrade && request.uri().startsWith(Clearances.VERIFY_PATH)) {
            FullHttpResponse answer = SecurityResponses.verify(ctx.alloc(), request, edge.waf().clearances(), log.zoneName(), client,
                    "https".equals(scheme), log.rayId());
            respond(answer, answer.status().code() == 302 ? null : EdgeError.CHALLENGE_FAILED.name(), request);
            return;
        }
        ZoneWaf waf = snapshot.waf(log.zoneName());
        if (waf.isEmpty()) {
            proceed(ex, request, route, snapshot, null);
            return;
        }
        int port = localPort();
        CompletableFuture<Verdict> verdict;
        try {
            long now = System.currentTimeMillis();
            Context fields = RequestFields.of(new RequestFields.Request(request.method().name(), request.uri(),
                    request.protocolVersion().text(), request.headers(), RoutingTable.hostOnly(host), client,
                    "https".equals(scheme), log.rayId(), port, ex.settings.urlNormalization()), waf.fields(), now)
                    .useLists(snapshot.lists())
                    .budget(snapshot.config().waf().ruleBudget()); // spent: the request is refused, never let through
            verdict = waf.evaluate(fields, now, ctx.executor()).toCompletableFuture();
        } catch (RuntimeException e) {
            verdict = CompletableFuture.failedFuture(e);
        }
        if (verdict.isDone()) {
            onVerdict(ex, request, route, snapshot, verdictOrFault(verdict, ex));
            return;
        }
        // Shared rate limit counters answer later: the rest of the WAF runs on this connection's event loop.
        CompletableFuture<Verdict> later = verdict;
        later.whenCompleteAsync((v, error) -> {
            if (exchange == ex && ctx.channel().isActive()) {
                onVerdict(ex, request, route, snapshot, verdictOrFault(later, ex));
            }
        }, ctx.executor());
    }

    /**
     * The WAF's verdict, or, when the WAF itself failed, no verdict: a fault in the WAF lets the
     * request through rather than taking the zone down, and the log says so (docs/WAF.md).
     */
    private Verdict verdictOrFault(CompletableFuture<Verdict> verdict, Exchange ex) {
        try {
            return verdict.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            logger.error("WAF failed on a request to zone {} (ray {}); letting it through", ex.log.zoneName(), ex.log.rayId(), e);
            ex.log.edgeError(EdgeError.WAF_FAILED.name());
            return new Verdict();
        }
    }

    private int localPort() {
        return ctx.channel().localAddress() instanceof InetSocketAddress l ? l.getPort() : 0;
    }

    /**
     * The WAF phases decided (on the request head, upgrade requests included; the tunnel that
     * follows a 101 is never inspected): log what acted, answer for a terminating action, or
     * go on to the origin the origin rules chose.
     */
    private void onVerdict(Exchange ex, HttpRequest request, Route route, EdgeContext.Snapshot snapshot, Verdict verdict) {
        RequestLogBuilder log = ex.log;
        if (!verdict.actions().isEmpty()) {
            log.securityActions(verdict.actions());
            log.securityRuleIds(verdict.ruleIds());
            log.securitySources(verdict.sources());
        }
        log.wafAttackScore(verdict.attackScore());
        log.wafSqliAttackScore(verdict.sqliScore());
        log.wafXssAttackScore(verdict.xssScore());
        log.wafRceAttackScore(verdict.rceScore());
        if (!verdict.terminates()) {
            proceed(ex, request, route, snapshot, verdict);
            return;
        }
        log.securityAction(Verdict.logName(verdict.action()));
        log.securityRuleId(verdict.ruleId());
        boolean browser = !ex.upgrade && HttpMethod.GET.equals(request.method())
                && request.headers().get(HttpHeaderNames.ACCEPT, "").contains("text/html");
        respond(SecurityResponses.render(ctx.alloc(), verdict, browser, request.uri(), edge.waf().clearances(),
                log.zoneName(), clientAddress(), log.rayId()), SecurityResponses.error(verdict).name(), request);
    }

    /** On to the origin: the zone's WebSocket limit, forwarding headers, origin rules' route. */
    private void proceed(Exchange ex, HttpRequest request, Route route, EdgeContext.Snapshot snapshot, Verdict verdict) {
        if (ex.settings.urlNormalization().normalizesToOrigin()) { // scope "both": the origin gets the path the rules saw
            request.setUri(UrlNormalizer.normalizeTarget(request.uri(), ex.settings.urlNormalization().type()));
        }
        if (ex.upgrade) {
            if (!ex.usage.tryOpenWebSocket(ex.settings.maxWebSocketConnections())) {
                answer(EdgeError.TOO_MANY_WEBSOCKETS, null, request);
                return;
            }
            ex.webSocketSlot = true;
        }
        String host = ex.log.clientRequestHost();
        ForwardedHeaders.toOrigin(request, ex.upgrade, ex.log.clientIp(), scheme, host, ex.log.rayId());
        String hostHeader = verdict == null ? null : verdict.hostHeader();
        if (hostHeader != null) {
            request.headers().set(HttpHeaderNames.HOST, hostHeader);
        }
        int listenerPort = localPort() == 0 ? 80 : localPort();
        int port = verdict != null && verdict.originPort() > 0 ? verdict.originPort() : listenerPort;
        String originHost = verdict != null && verdict.originHost() != null
                ? snapshot.routes().originFor(route.zone().name(), verdict.originHost()) : route.originHost();
        sendToOrigin(request, route, snapshot, originHost, port, hostHeader != null ? hostHeader : host);
    }

    private InetAddress clientAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    private void sendToOrigin(HttpRequest request, Route route, EdgeContext.Snapshot snapshot, String originHost, int port,
                              String serverName) {
        SslContext tls = snapshot.tls().toOrigin(route.zone().name());
        String tlsName = tls == null ? null : RoutingTable.hostOnly(serverName);
        if (origin != null && origin.matches(originHost, port, tlsName) && origin.reusable()) {
            exchange.originReadMark = origin.bytesRead();
            origin.sendHead(request, responseTimeout(snapshot));
            exchange.log.originIp(origin.remoteIp());
            return;
        }
        if (origin != null) {
            OriginHandler old = origin;
            origin = null;
            old.close();
        }
        pendingHead = request;
        origin = OriginHandler.connect(this, ctx.channel(), edge, originHost, port, snapshot.config().timeouts(),
                tls, tlsName, route.zone().settings().ssl() == SslMode.STRICT);
    }

    /** The zone's proxy_read_timeout, or the node's origin_response timeout. */
    private java.time.Duration responseTimeout(EdgeContext.Snapshot snapshot) {
        java.time.Duration node = snapshot.config().timeouts().originResponse();
        return exchange == null || exchange.settings == null ? node : exchange.settings.originResponse(node);
    }

    void originConnected(OriginHandler connected) {
        if (connected != origin || exchange == null || pendingHead == null) {
            connected.close();
            return;
        }
        HttpRequest head = pendingHead;
        pendingHead = null;
        exchange.log.originIp(connected.remoteIp());
        exchange.originReadMark = connected.bytesRead();
        connected.sendHead(head, responseTimeout(edge.snapshot()));
        replayDeferred();
        connected.flush();
        readIfWanted();
    }

    void originFailed(OriginHandler failed, EdgeError error, String detail) {
        if (failed != origin) {
            return;
        }
        origin = null;
        pendingHead = null;
        if (exchange != null && !exchange.responseStarted) {
            if (error == EdgeError.PROHIBITED_ORIGIN) {
                exchange.log.originIp(failed.remoteIp()); // the refused address, for the operator
            }
            answerForOrigin(error, detail);
        }
    }

    private void onRequestContent(HttpContent content) {
        Exchange ex = exchange;
        if (content.decoderResult().isFailure()) {
            content.release();
            badRequestBody(ex, content.decoderResult().cause());
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (ex == null || ex.answeredByEdge || origin == null) {
            content.release();
        } else {
            origin.sendContent(content);
        }
        if (last && ex != null && !ex.requestComplete) {
            ex.requestComplete = true;
            completeIfDone();
        }
    }

    /**
     * The request body cannot be framed (a bad chunk size, junk after a chunk): the origin has
     * part of a body it must never see completed, so its connection is closed, not reused, and
     * the client gets 400 (or, when the origin's response has begun, a closed connection).
     */
    private void badRequestBody(Exchange ex, Throwable cause) {
        if (origin != null) {
            OriginHandler cut = origin;
            origin = null;
            cut.close();
        }
        if (ex == null || ex.answeredByEdge) {
            ctx.close();
            return;
        }
        ex.closeAfter = true;
        ex.requestComplete = true;
        if (ex.responseStarted) {
            ex.log.edgeError(EdgeError.BAD_REQUEST.name());
            ctx.close();
            return;
        }
        answer(EdgeError.BAD_REQUEST, "The request body is not validly framed: " + cause.getMessage(), null);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (origin != null) {
            origin.flush();
        }
        readIfWanted();
    }

    /** Reads from the client when there is room for what comes next. */
    private void readIfWanted() {
        if (closing) {
            return;
        }
        Exchange ex = exchange;
        if (ex == null) {
            if (deferred == null || deferred.isEmpty()) {
                ctx.read();
            }
        } else if (!ex.requestComplete && (ex.answeredByEdge
                || origin != null && origin.connected() && origin.writable())) {
            ctx.read();
        }
    }

    void originWritable() {
        readIfWanted();
    }

    // ---------------------------------------------------------------- origin messages

    void originMessage(OriginHandler from, HttpObject msg) {
        Exchange ex = exchange;
        if (from != origin || ex == null || ex.answeredByEdge) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (onResponseHead(ex, response)) {
                return; // became a tunnel
            }
        }
        if (msg instanceof HttpContent content) {
            ctx.write(content, ctx.voidPromise());
            if (content instanceof LastHttpContent) {
                if (ex.informational) {
                    ex.informational = false;
                } else {
                    ex.responseComplete = true;
                    ex.log.originResponseBytes(from.bytesRead() - ex.originReadMark);
                    if (!ex.requestComplete) {
                        ex.requestComplete = true; // the origin answered early; the rest of the body is not wanted
                        ex.closeAfter = true;
                    }
                    completeIfDone();
                }
            }
        }
    }

    /** Returns true when the connection became a tunnel. */
    private boolean onResponseHead(Exchange ex, HttpResponse response) {
        int status = response.status().code();
        ex.log.originResponseStatus(status);
        if (status == 101) {
            String problem = ex.upgrade ? Handshake.responseProblem(response, ex.upgradeRequest)
                    : "101 to a request that asked for no protocol switch";
            if (problem != null) {
                // A switch without a valid WebSocket handshake opens no tunnel: the client's next
                // bytes would reach the origin unjudged.
                answerForOrigin(EdgeError.ORIGIN_BAD_HANDSHAKE, problem);
            } else {
                switchToTunnel(ex, response);
            }
            return true;
        }
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && status != 101) {
            ex.informational = true; // 100 Continue, 103 Early Hints: relayed, the real response follows
            ForwardedHeaders.toClient(response, false, ex.log.rayId());
            ctx.write(response, ctx.voidPromise());
            return false;
        }
        ex.responseStarted = true;
        ex.log.edgeResponseStatus(status);
        releaseWebSocketSlot(ex);
        ForwardedHeaders.toClient(response, false, ex.log.rayId());
        if (!HttpUtil.isContentLengthSet(response) && !HttpUtil.isTransferEncodingChunked(response)
                && mayHaveBody(ex, status)) {
            // The origin delimits this body by closing; the client gets it chunked and keeps its connection.
            if (ex.log.clientRequestProtocol().equals(HttpVersion.HTTP_1_1.text())) {
                HttpUtil.setTransferEncodingChunked(response, true);
            } else {
                ex.closeAfter = true;
            }
        }
        HttpUtil.setKeepAlive(response, !ex.closeAfter);
        ctx.write(response, ctx.voidPromise());
        return false;
    }

    /**
     * The origin failed the exchange before its response began: its connection is dropped and
     * the client gets {@code error}, and is closed when its request is not all in (the rest of
     * it would be read as a request).
     */
    private void answerForOrigin(EdgeError error, String detail) {
        OriginHandler dropped = origin;
        origin = null;
        if (dropped != null) {
            dropped.close();
        }
        exchange.closeAfter |= !exchange.requestComplete;
        answer(error, detail, null);
    }

    private static boolean mayHaveBody(Exchange ex, int status) {
        return status >= 200 && status != 204 && status != 304
                && !HttpMethod.HEAD.name().equals(ex.log.clientRequestMethod());
    }

    boolean responseDone() {
        return exchange == null || exchange.responseComplete;
    }

    boolean clientWritable() {
        return ctx.channel().isWritable();
    }

    void flushClient() {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && origin != null) {
            origin.resumeReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    void originTimedOut() {
        if (exchange != null && !exchange.responseStarted && origin != null) {
            answerForOrigin(EdgeError.ORIGIN_TIMEOUT, null);
        }
    }

    void originBroken(OriginHandler from, Throwable cause) {
        if (from == origin && exchange != null && !exchange.responseStarted) {
            answerForOrigin(EdgeError.ORIGIN_INVALID_RESPONSE, cause.getMessage());
        } else {
            from.close();
        }
    }

    void originClosed(OriginHandler closed) {
        if (closed != origin) {
            return;
        }
        origin = null;
        Exchange ex = exchange;
        if (ex == null || ex.answeredByEdge || ex.responseComplete) {
            return;
        }
        if (!ex.responseStarted) {
            answerForOrigin(EdgeError.ORIGIN_EMPTY_RESPONSE, null);
        } else {
            // The body was cut short: the client must not take a truncated body for a whole one.
            ex.log.edgeError("origin closed mid-response");
            ctx.close();
        }
    }

    // ---------------------------------------------------------------- the edge's own answers

    /**
     * Answers with an edge error; the origin is not (or no longer) involved. What went wrong with
     * an origin (its address, the connect error, a banner it sent) goes to the edge's log only:
     * on the page it would tell anyone the origin's address, and let a rule's author scan
     * internal services through origin rules.
     */
    private void answer(EdgeError error, String detail, HttpRequest request) {
        if (error.source() == EdgeError.Source.ORIGIN && detail != null) {
            logger.warn("{} for ray {} (zone {}, origin {}): {}", error, exchange.log.rayId(), exchange.log.zoneName(),
                    exchange.log.originIp(), detail);
            detail = null;
        }
        respond(ErrorResponses.render(ctx.alloc(), error, detail, exchange.log.rayId()), error.name(), request);
    }

    /** Sends a response the edge made itself (an edge error, a security decision, a challenge's answer). */
    private void respond(FullHttpResponse response, String edgeError, HttpRequest request) {
        Exchange ex = exchange;
        ex.answeredByEdge = true;
        ex.responseStarted = true;
        ex.log.edgeResponseStatus(response.status().code());
        ex.log.edgeError(edgeError);
        releaseWebSocketSlot(ex);
        if (request != null && RequestHeadCheck.hasBody(request)) {
            ex.closeAfter = true; // do not read a body nobody wants
        }
        if (ex.closeAfter) {
            ex.requestComplete = true;
        }
        HttpUtil.setKeepAlive(response, !ex.closeAfter);
        ctx.writeAndFlush(response, ctx.voidPromise());
        ex.responseComplete = true;
        completeIfDone();
    }

    private static void releaseWebSocketSlot(Exchange ex) {
        if (ex.webSocketSlot) {
            ex.webSocketSlot = false;
            ex.usage.closeWebSocket();
        }
    }

    // ---------------------------------------------------------------- end of an exchange

    private void completeIfDone() {
        Exchange ex = exchange;
        if (ex == null || !ex.requestComplete || !ex.responseComplete) {
            return;
        }
        exchange = null;
        emit(ex);
        if (ex.closeAfter) {
            closing = true;
            releaseDeferred();
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        replayDeferred();
        if (exchange == null) {
            awaitHead();
        }
        readIfWanted();
    }

    private void emit(Exchange ex) {
        RequestLogBuilder log = ex.log;
        log.clientRequestBytes(traffic.read - readMark);
        log.edgeResponseBytes(traffic.written - writtenMark);
        readMark = traffic.read;
        writtenMark = traffic.written;
        if (ex.usage != null) {
            ex.usage.bytesToClient(log.edgeResponseBytes());
        }
        RequestLog record = log.finish(Instant.now());
        if (record != null) {
            edge.sink().accept(record);
        }
    }

    /** Handles what waited, as far as it can be handled now, and sends it on. */
    private void replayDeferred() {
        if (deferred == null || deferred.isEmpty()) {
            return;
        }
        while (!deferred.isEmpty() && !mustDefer(deferred.peek())) {
            channelRead(ctx, deferred.poll());
        }
        if (origin != null) {
            origin.flush();
        }
    }

    private void releaseDeferred() {
        if (deferred != null) {
            deferred.forEach(ReferenceCountUtil::release);
            deferred.clear();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHeadTimer();
        releaseDeferred();
        if (origin != null) {
            origin.close();
            origin = null;
        }
        Exchange ex = exchange;
        if (ex != null) {
            exchange = null;
            releaseWebSocketSlot(ex);
            if (ex.log.edgeResponseStatus() == 0) {
                ex.log.edgeResponseStatus(499); // the client closed before the response (nginx's convention)
            }
            emit(ex);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
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

    // ---------------------------------------------------------------- the switch to the tunnel

    private void switchToTunnel(Exchange ex, HttpResponse response) {
        cancelHeadTimer();
        OriginHandler upstream = origin;
        origin = null;
        ex.responseStarted = true;
        ex.responseComplete = true;
        RequestLogBuilder log = ex.log;
        log.webSocket(true);
        log.edgeResponseStatus(101);
        ex.usage.upgrade();
        ex.webSocketSlot = false; // the tunnel owns the open-connection count from here on
        boolean reservedOpcodesAllowed = Extensions.mayDefineOpcodes(
                response.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));

        ForwardedHeaders.toClient(response, true, log.rayId());
        ctx.write(response, ctx.voidPromise());
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        log.clientRequestBytes(traffic.read - readMark);
        log.edgeResponseBytes(traffic.written - writtenMark);
        log.originResponseBytes(upstream.bytesRead());
        ex.usage.bytesToClient(log.edgeResponseBytes());
        releaseDeferred(); // nothing but frames may follow an upgrade request

        Timeouts timeouts = edge.snapshot().config().timeouts();
        Tunnel tunnel = new Tunnel(log, ex.usage, edge.sink(), ex.settings, timeouts.closeGrace(), reservedOpcodesAllowed);
        ChannelPipeline originPipeline = upstream.channel().pipeline();
        originPipeline.addAfter(OriginHandler.CODEC, "tunnel", tunnel.originHandler());
        originPipeline.remove(upstream);
        originPipeline.remove(upstream.traffic());
        originPipeline.remove(OriginHandler.CODEC);

        ChannelPipeline clientPipeline = ctx.pipeline();
        clientPipeline.addAfter(CODEC, "tunnel", tunnel.clientHandler());
        clientPipeline.remove(this);
        clientPipeline.remove(traffic);
        clientPipeline.remove(CODEC);
        exchange = null;
        tunnel.start();
    }
}
