package dev.pier.edge.http;

import dev.pier.config.Route;
import dev.pier.config.SecurityHeader;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayDeque;

/**
 * Adds a zone's {@code security_header} setting to every response the edge sends on a TLS
 * connection: {@code Strict-Transport-Security} when it is enabled and
 * {@code X-Content-Type-Options: nosniff} when nosniff is set, replacing any the origin sent.
 * That covers the edge's own answers (errors, WAF blocks, challenges) and the origin's responses,
 * the 101 of a WebSocket upgrade included; 1xx interim responses get nothing. Plain-HTTP
 * connections never get it (a browser ignores HSTS sent over HTTP), so the pipeline has this
 * handler on TLS listeners only.
 *
 * <p>It sits between the HTTP codec and the request handler. Each request's zone is looked up
 * when its head arrives and queued; responses leave in request order on HTTP/1.1, so each takes
 * the head of the queue. After a 101 only WebSocket frames follow, so it leaves the pipeline.
 */
final class SecurityHeaders extends ChannelDuplexHandler {

    static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");
    static final AsciiString X_CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");

    private final EdgeContext edge;
    /** The setting for each request whose response has not been written yet, oldest first. */
    private final ArrayDeque<SecurityHeader> pending = new ArrayDeque<>();

    SecurityHeaders(EdgeContext edge) {
        this.edge = edge;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            Route route = edge.snapshot().routes().resolve(request.headers().get(HttpHeaderNames.HOST));
            pending.add(route == null ? SecurityHeader.OFF : route.zone().settings().securityHeader());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && isFinal(response.status())) {
            SecurityHeader setting = pending.poll();
            if (setting != null) {
                add(response, setting);
            }
            if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                ctx.write(msg, promise);
                ctx.pipeline().remove(this);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    /** Adds the setting's headers to a response. */
    static void add(HttpResponse response, SecurityHeader setting) {
        if (setting.enabled()) {
            response.headers().set(STRICT_TRANSPORT_SECURITY, setting.strictTransportSecurity());
        }
        if (setting.nosniff()) {
            response.headers().set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        }
    }

    private static boolean isFinal(HttpResponseStatus status) {
        return status.code() >= 200 || status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    }
}
