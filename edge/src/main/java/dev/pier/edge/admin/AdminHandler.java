package dev.pier.edge.admin;

import dev.pier.analytics.UsageRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Serves the admin listener: {@code GET /metrics} in Prometheus text format, rendered on the
 * event loop (scrapes are rare and small), and the {@link AdminRoute}s the process adds (the
 * control plane), each request on a virtual thread since those may block.
 */
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminHandler.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Executor BLOCKING = Executors.newVirtualThreadPerTaskExecutor();

    private final UsageRegistry usage;
    private final List<AdminRoute> routes;

    public AdminHandler(UsageRegistry usage, List<AdminRoute> routes) {
        this.usage = usage;
        this.routes = List.copyOf(routes);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri().split("\\?", 2)[0];
        for (AdminRoute route : routes) {
            if (path.equals(route.prefix()) || path.startsWith(route.prefix() + "/")) {
                serve(ctx, request, route);
                return;
            }
        }
        FullHttpResponse response;
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET is served here.\n", "text/plain");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else if (path.equals("/metrics")) {
            response = text(ctx, HttpResponseStatus.OK, usage.scrape(), PROMETHEUS_TEXT);
        } else if (path.equals("/")) {
            response = text(ctx, HttpResponseStatus.OK, "Pier admin listener. Metrics: /metrics\n", "text/plain");
        } else {
            response = text(ctx, HttpResponseStatus.NOT_FOUND, "Not found: " + path + " (try /metrics)\n", "text/plain");
        }
        send(ctx, response, HttpUtil.isKeepAlive(request));
    }

    /** Hands the request to its route on a virtual thread and writes the answer back on the event loop. */
    private static void serve(ChannelHandlerContext ctx, FullHttpRequest request, AdminRoute route) {
        String method = request.method().name();
        String uri = request.uri();
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        byte[] body = ByteBufUtil.getBytes(request.content());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        // one request at a time on a connection, so pipelined requests are answered in order
        ctx.channel().config().setAutoRead(false);
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
            try {
                ctx.executor().execute(() -> reply(ctx, a, keepAlive));
            } catch (RejectedExecutionException closing) {
                // the edge closed while the route worked: the connection went with it, nobody to answer
            }
        });
    }

    /** On the event loop: writes a route's answer and reads the connection's next request. */
    private static void reply(ChannelHandlerContext ctx, AdminRoute.Response a, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
                Unpooled.wrappedBuffer(a.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType());
        a.headers().forEach(response.headers()::set);
        HttpUtil.setContentLength(response, a.body().length);
        send(ctx, response, keepAlive);
        ctx.channel().config().setAutoRead(true);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status, String body, String type) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type.contains("charset") ? type : type + "; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }
}
