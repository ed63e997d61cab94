package dev.pier.edge.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Decides from each request's head how much body the admin listener buffers for it, before any
 * of the body is read. It sits between the HTTP codec and the aggregator. A request whose
 * Content-Length is at most {@link AdminHandler#MAX_BODY} passes at once; one that announces
 * more, or is chunked, waits (the socket is not read) while its route decides from method, path
 * and headers ({@link AdminRoute#bodyLimit}: the control plane checks the token there) on a
 * virtual thread. A request over its limit reaches {@link AdminHandler} as its head with an empty
 * body and a failed decoder result carrying the route's answer ({@link Refused}); the rest of its
 * body is never buffered and the connection closes once that answer is written.
 *
 * <p>At most {@link #MAX_LARGE_IN_FLIGHT} requests allowed more than {@code MAX_BODY} are in
 * hand in the whole process at once (from their head until their answer is written); another
 * gets 503 with {@code Retry-After}. So large bodies take at most
 * {@code MAX_LARGE_IN_FLIGHT * LARGEST_BODY} of buffers, besides the copies a route makes.
 */
final class AdminBodyGate extends ChannelDuplexHandler {

    /** The largest body any route may take: Cloudflare's Worker size limit (Workers Paid). */
    static final int LARGEST_BODY = 10 * 1024 * 1024;
    /** Requests allowed a body above {@link AdminHandler#MAX_BODY} that may be in hand at once, in the process. */
    static final int MAX_LARGE_IN_FLIGHT = 4;
    private static final Semaphore LARGE = new Semaphore(MAX_LARGE_IN_FLIGHT);
    private static final AdminRoute.Response BUSY = new AdminRoute.Response(503, "text/plain; charset=utf-8",
            ("Too many large uploads in progress (at most " + MAX_LARGE_IN_FLIGHT + "); retry shortly.\n")
                    .getBytes(StandardCharsets.UTF_8), Map.of("retry-after", "1"));

    /** The answer a request over its body limit gets, carried to {@link AdminHandler} in its decoder result. */
    static final class Refused extends DecoderException {
        private final transient AdminRoute.Response answer;

        Refused(AdminRoute.Response answer) {
            super("request body over its limit");
            this.answer = answer;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a refusal, not a failure: its stack says nothing
        }

        AdminRoute.Response answer() {
            return answer;
        }
    }

    private enum State { HEAD, DECIDING, BODY, DISCARD }

    private final Function<String, AdminRoute> routes;
    private final Executor blocking;
    private State state = State.HEAD;
    /** Messages that arrived while the route decided (at most one socket read). */
    private final List<Object> held = new ArrayList<>();
    private long received;
    private AdminRoute.BodyLimit limit = AdminRoute.BodyLimit.DEFAULT;
    /** For each request passed on and not yet answered, in order: whether it holds a large-body permit. */
    private final ArrayDeque<Boolean> inHand = new ArrayDeque<>();

    /**
     * @param routes   the route serving a path, or null for none
     * @param blocking where a route's {@link AdminRoute#bodyLimit} runs
     */
    AdminBodyGate(Function<String, AdminRoute> routes, Executor blocking) {
        this.routes = routes;
        this.blocking = blocking;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case DISCARD -> ReferenceCountUtil.release(msg);
            case DECIDING -> held.add(msg);
            case BODY -> body(ctx, msg);
            case HEAD -> {
                if (msg instanceof HttpRequest head) {
                    head(ctx, head);
                } else {
                    ctx.fireChannelRead(msg); // a WebSocket's frames after an upgrade
                }
            }
        }
    }

    private void head(ChannelHandlerContext ctx, HttpRequest head) {
        long length;
        try {
            length = HttpUtil.getContentLength(head, 0L);
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (!head.decoderResult().isSuccess() || length < 0
                || (!HttpUtil.isTransferEncodingChunked(head) && length <= AdminHandler.MAX_BODY)) {
            pass(ctx, head, AdminRoute.BodyLimit.DEFAULT, false); // the handler answers a malformed one 400
            return;
        }
        state = State.DECIDING;
        ctx.channel().config().setAutoRead(false);
        String method = head.method().name();
        String uri = head.uri();
        Map<String, String> headers = new HashMap<>();
        head.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        AdminRoute route = routes.apply(uri.split("\\?", 2)[0]);
        long announced = length;
        blocking.execute(() -> {
            AdminRoute.BodyLimit decided;
            try {
                decided = route == null ? AdminRoute.BodyLimit.DEFAULT : route.bodyLimit(method, uri, headers);
            } catch (RuntimeException e) {
                decided = AdminRoute.BodyLimit.DEFAULT;
            }
            AdminRoute.BodyLimit d = decided;
            try {
                ctx.executor().execute(() -> decided(ctx, head, announced, d));
            } catch (RejectedExecutionException closing) {
                ReferenceCountUtil.release(head);
            }
        });
    }

    /** On the event loop: the route's limit for the request whose head is held. */
    private void decided(ChannelHandlerContext ctx, HttpRequest head, long announced, AdminRoute.BodyLimit decided) {
        if (state != State.DECIDING) { // the connection closed meanwhile
            ReferenceCountUtil.release(head);
            return;
        }
        AdminRoute.BodyLimit bounded = new AdminRoute.BodyLimit(Math.min(decided.max(), LARGEST_BODY), decided.tooLarge());
        List<Object> replay = new ArrayList<>(held);
        held.clear();
        if (announced > bounded.max()) {
            replay.forEach(ReferenceCountUtil::release);
            refuse(ctx, head, bounded.tooLarge());
        } else if (bounded.max() > AdminHandler.MAX_BODY && !LARGE.tryAcquire()) {
            replay.forEach(ReferenceCountUtil::release);
            refuse(ctx, head, BUSY);
        } else {
            pass(ctx, head, bounded, bounded.max() > AdminHandler.MAX_BODY);
            for (Object m : replay) {
                channelRead(ctx, m);
            }
        }
        ctx.channel().config().setAutoRead(true);
    }

    private void pass(ChannelHandlerContext ctx, HttpRequest head, AdminRoute.BodyLimit bodyLimit, boolean permit) {
        inHand.add(permit);
        limit = bodyLimit;
        received = 0;
        state = head instanceof LastHttpContent ? State.HEAD : State.BODY;
        ctx.fireChannelRead(head);
    }

    private void body(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpContent content)) {
            ctx.fireChannelRead(msg);
            return;
        }
        received += content.content().readableBytes();
        if (received > limit.max()) { // a chunked body past its limit: end what the aggregator holds as refused
            content.release();
            LastHttpContent end = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            end.setDecoderResult(DecoderResult.failure(new Refused(limit.tooLarge())));
            state = State.DISCARD;
            ctx.fireChannelRead(end);
            return;
        }
        if (content instanceof LastHttpContent) {
            state = State.HEAD;
        }
        ctx.fireChannelRead(content);
    }

    /** Hands on the request's head alone, marked refused with {@code answer}; nothing more is passed on this connection. */
    private void refuse(ChannelHandlerContext ctx, HttpRequest head, AdminRoute.Response answer) {
        HttpHeaders headers = head.headers().copy();
        headers.remove(HttpHeaderNames.CONTENT_LENGTH).remove(HttpHeaderNames.TRANSFER_ENCODING).remove(HttpHeaderNames.EXPECT);
        HttpRequest bare = new DefaultHttpRequest(head.protocolVersion(), head.method(), head.uri(), headers);
        ReferenceCountUtil.release(head);
        inHand.add(false);
        state = State.DISCARD;
        ctx.fireChannelRead(bare);
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        end.setDecoderResult(DecoderResult.failure(new Refused(answer)));
        ctx.fireChannelRead(end);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response
                && (response.status().code() >= 200 || response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS))) {
            Boolean permit = inHand.poll(); // answers go out in request order, one per request
            if (Boolean.TRUE.equals(permit)) {
                LARGE.release();
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void releaseAll() {
        state = State.DISCARD;
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        Boolean permit;
        while ((permit = inHand.poll()) != null) {
            if (permit) {
                LARGE.release();
            }
        }
    }

    /** Permits free now, for tests. */
    static int largeBodiesFree() {
        return LARGE.availablePermits();
    }
}
