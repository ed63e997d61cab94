package dev.pier.edge.admin;

import dev.pier.edge.http.HeadTimer;
import dev.pier.edge.transport.ByteCounter;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Serves the admin listener's {@link AdminRoute}s ({@code /metrics}, and the control plane's API
 * and dashboard), each request on a virtual thread since routes may block.
 *
 * <p>Every request must name a host the listener answers to ({@link AdminHosts}): any other gets
 * 421 Misdirected Request, or 400 without exactly one well-formed Host, before a route sees it,
 * and its connection is closed. That keeps a page whose name was rebound to this address from
 * reading anything.
 *
 * <p>A connection is served one request at a time: requests pipelined behind the one in hand
 * wait in a queue (and the socket is not read) until its answer is written, so answers go out
 * in request order and a client that does not read its answers cannot pile them up. A
 * connection must send each whole request (head and body) within the node's
 * {@code timeouts.request_head} of being ready for it; a stalled request is answered 408 and
 * the connection closed, an idle keep-alive connection is closed quietly. Which connections
 * may stay open when many arrive is {@link AdminConnections}' decision: this handler tells it
 * when a request is in hand and when one carried credentials a route accepted.
 */
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminHandler.class);
    private static final Executor BLOCKING = Executors.newVirtualThreadPerTaskExecutor();
    /**
     * The largest request body, unless its route allows more for it ({@link AdminRoute#bodyLimit},
     * decided by {@link AdminBodyGate} before the body is read); bigger ones get 413.
     */
    public static final int MAX_BODY = 64 * 1024;
    /** Requests decoded ahead of the one in hand a connection may have; more closes it. */
    static final int MAX_QUEUED = 32;

    private final List<AdminRoute> routes;
    private final Supplier<Set<String>> allowedHosts;
    private final Supplier<Duration> requestTimeout;
    private final AdminConnections connections;
    private final ArrayDeque<FullHttpRequest> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean busy;
    private boolean closing;
    private final ByteCounter traffic = new ByteCounter();
    private final HeadTimer timer = new HeadTimer(traffic, new HeadTimer.Expiry() {
        @Override
        public void idle() {
            if (waitingForRequest()) {
                dropAll();
                ctx.close(); // an idle keep-alive connection: nothing to answer
            }
        }

        @Override
        public void trickled() {
            if (waitingForRequest()) { // part of a request came and the rest did not
                busy = true;
                ctx.channel().config().setAutoRead(false);
                send(text(HttpResponseStatus.REQUEST_TIMEOUT, "The request took too long to arrive.\n", "text/plain"), false);
            }
        }
    });

    /**
     * @param routes         what is served, each below its prefix
     * @param allowedHosts   the configured host names requests may name besides localhost and IP
     *                       addresses (read at each request: a reload changes them)
     * @param requestTimeout how long a connection may take to send a whole request (read at each request)
     * @param connections    the listener's connections, told which are busy and which carried accepted credentials
     */
    public AdminHandler(List<AdminRoute> routes, Supplier<Set<String>> allowedHosts, Supplier<Duration> requestTimeout,
                        AdminConnections connections) {
        super(false);
        this.routes = List.copyOf(routes);
        this.allowedHosts = allowedHosts;
        this.requestTimeout = requestTimeout;
        this.connections = connections;
    }

    /** Sets up an admin connection's pipeline: byte counting, HTTP codec, body limits, aggregation, this handler. */
    public void install(ChannelPipeline pipeline) {
        pipeline.addLast(traffic, new HttpServerCodec(), new AdminBodyGate(this::route, BLOCKING),
                new HttpObjectAggregator(AdminBodyGate.LARGEST_BODY), this);
    }

    /** The route serving {@code path}, or null. */
    private AdminRoute route(String path) {
        for (AdminRoute route : routes) {
            if (path.equals(route.prefix()) || path.startsWith(route.prefix() + "/")) {
                return route;
            }
        }
        return null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            awaitRequest();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        awaitRequest();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        dropAll();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset connection, or one closed while a request was half in (see the request timeout)
        LOG.debug("admin: {}: {}", ctx.channel().remoteAddress(), cause.toString());
        dropAll();
        ctx.close();
    }

    private void dropAll() {
        closing = true;
        timer.cancel();
        FullHttpRequest r;
        while ((r = pending.poll()) != null) {
            r.release();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (closing) {
            request.release();
            return;
        }
        timer.cancel(); // a whole request is in
        pending.add(request);
        if (pending.size() > MAX_QUEUED) {
            LOG.debug("admin: {} pipelined more than {} requests; closing", ctx.channel().remoteAddress(), MAX_QUEUED);
            dropAll();
            ctx.close();
            return;
        }
        next();
    }

    // ---------------------------------------------------------------- one request at a time

    /** Starts on the next queued request, unless one is in hand. */
    private void next() {
        if (busy || closing) {
            return;
        }
        FullHttpRequest request = pending.poll();
        if (request == null) {
            ctx.channel().config().setAutoRead(true);
            awaitRequest();
            return;
        }
        busy = true;
        connections.busy(ctx.channel(), true);
        ctx.channel().config().setAutoRead(false);
        try {
            handle(request);
        } finally {
            request.release();
        }
    }

    private void handle(FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().cause() instanceof AdminBodyGate.Refused refused) {
            reply(refused.answer(), false); // the rest of its body was not read: the connection cannot go on
            return;
        }
        if (!request.decoderResult().isSuccess()) {
            send(text(HttpResponseStatus.BAD_REQUEST, "Malformed request.\n", "text/plain"), false);
            return;
        }
        AdminHosts.Refusal refusal = AdminHosts.check(request, allowedHosts.get());
        if (refusal != null) {
            send(text(refusal.status(), refusal.message(), "text/plain"), false);
            return;
        }
        String path = request.uri().split("\\?", 2)[0];
        AdminRoute route = route(path);
        if (route != null) {
            AdminRoute.Socket socket = isWebSocketUpgrade(request) ? route.socket(request.uri(), headers(request)) : null;
            if (socket != null) {
                upgrade(request, socket);
                return;
            }
            serve(request, route);
            return;
        }
        FullHttpResponse response;
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET is served here.\n", "text/plain");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else if (path.equals("/")) {
            response = text(HttpResponseStatus.OK, "Pier admin listener. Metrics: /metrics\n", "text/plain");
        } else {
            response = text(HttpResponseStatus.NOT_FOUND, "Not found: " + path + " (try /metrics)\n", "text/plain");
        }
        send(response, keepAlive);
    }

    private static boolean isWebSocketUpgrade(FullHttpRequest request) {
        return HttpMethod.GET.equals(request.method()) && request.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true);
    }

    private static Map<String, String> headers(FullHttpRequest request) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        return headers;
    }

    /**
     * Turns the connection into the route's WebSocket: the handshake (RFC 6455, Netty's
     * handshaker) replaces the HTTP codec with the frame codec, and {@link AdminSocketHandler}
     * takes this handler's place. The route accepted the request's credentials (its address), so
     * the connection is never closed to make room for others.
     */
    private void upgrade(FullHttpRequest request, AdminRoute.Socket socket) {
        String location = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, false, MAX_BODY)
                .newHandshaker(request);
        if (handshaker == null) {
            dropAll();
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        dropAll(); // no request is read on this connection any more
        connections.trust(ctx.channel());
        connections.busy(ctx.channel(), false);
        Channel channel = ctx.channel();
        handshaker.handshake(channel, request).addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                channel.close();
                return;
            }
            channel.pipeline().replace(this, "admin-socket", new AdminSocketHandler(socket));
            channel.config().setAutoRead(true);
            socket.opened(new AdminSocket(channel));
        });
    }

    /** Hands the request to its route on a virtual thread and writes the answer back on the event loop. */
    private void serve(FullHttpRequest request, AdminRoute route) {
        String method = request.method().name();
        String uri = request.uri();
        Map<String, String> headers = headers(request);
        byte[] body = ByteBufUtil.getBytes(request.content());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        BLOCKING.execute(() -> {
            AdminRoute.Response answer;
            try {
                answer = route.handle(method, uri, headers, body);
            } catch (Throwable e) {
                LOG.error("admin: {} {} failed", method, uri.split("\\?", 2)[0], e);
                answer = new AdminRoute.Response(500, "text/plain", ("internal error: " + e.getClass().getSimpleName() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            AdminRoute.Response a = answer;
            if (a.authenticated()) {
                connections.trust(ctx.channel());
            }
            try {
                ctx.executor().execute(() -> reply(a, keepAlive));
            } catch (RejectedExecutionException closing) {
                // the edge closed while the route worked: the connection went with it, nobody to answer
            }
        });
    }

    /** On the event loop: writes a route's answer. */
    private void reply(AdminRoute.Response a, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
                Unpooled.wrappedBuffer(a.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
        response.headers().set("x-content-type-options", "nosniff");
        a.headers().forEach(response.headers()::set);
        HttpUtil.setContentLength(response, a.body().length);
        send(response, keepAlive);
    }

    /** Writes the answer in hand; once it is written, the next request is taken. */
    private void send(FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (closing || !ctx.channel().isActive()) {
            response.release();
            return;
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
            if (!keepAlive || !written.isSuccess()) {
                dropAll();
                written.channel().close();
                return;
            }
            busy = false;
            connections.busy(ctx.channel(), false);
            next();
        });
    }

    // ---------------------------------------------------------------- request timeout

    /** Gives the client the request timeout to send its next whole request. */
    private void awaitRequest() {
        timer.cancel();
        if (!closing) {
            timer.start(ctx.executor(), requestTimeout.get());
        }
    }

    private boolean waitingForRequest() {
        return !busy && !closing && ctx.channel().isActive();
    }

    private FullHttpResponse text(HttpResponseStatus status, String body, String type) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type.contains("charset") ? type : type + "; charset=utf-8");
        response.headers().set("x-content-type-options", "nosniff");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }
}
