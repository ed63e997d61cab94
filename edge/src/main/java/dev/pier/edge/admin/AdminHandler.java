package dev.pier.edge.admin;

import dev.pier.analytics.UsageRegistry;
import io.netty.buffer.ByteBufUtil;
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

/**
 * Serves the admin listener: {@code GET /metrics} in Prometheus text format. Scrapes are rare
 * and small, so the text is rendered on the event loop.
 */
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final UsageRegistry usage;

    public AdminHandler(UsageRegistry usage) {
        this.usage = usage;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri().split("\\?", 2)[0];
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
        boolean keepAlive = HttpUtil.isKeepAlive(request);
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
