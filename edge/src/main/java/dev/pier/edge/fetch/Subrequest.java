package dev.pier.edge.fetch;

import dev.pier.edge.upstream.OriginGuard;
import dev.pier.workers.BodyStream;
import dev.pier.workers.FetchException;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 exchange of a fetch, on a connection of its own: the request goes out once the
 * connection is up, the response is read whole (at most {@link FetchLimits#maxBody()} bytes), and
 * the connection closes. The origin may send nothing for at most {@link FetchLimits#read()} while
 * the response is awaited.
 *
 * <p>A request whose body is a {@link BodyStream} goes out chunked, each chunk as it is written,
 * the next taken once the connection can take more. A {@code streamed} exchange answers at the
 * response's head, with the body a {@link BodyStream} written as the origin sends it: the
 * connection is read only while the stream's reader takes what came (auto-read off in between, and
 * the read timeout does not run then), and a reader that cancels closes the connection.
 *
 * <p>For a WebSocket upgrade, Netty's handshaker writes the request and checks the 101; then the
 * connection carries frames, this handler gives way to an {@link OriginSocket} attached to the
 * pair's client end, and the response carries the pair's server end. An origin that answers
 * otherwise refuses the upgrade: its answer is the response, without a WebSocket.
 */
final class Subrequest extends ChannelDuplexHandler {

    /** Headers of a connection, not of a request: the fetch sets its own ({@code Host} from the URL, {@code Connection: close}). */
    private static final Set<String> REQUEST_CONNECTION_HEADERS = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "http2-settings", "content-length");
    /** The handshake's own headers, which Netty's handshaker writes (no extension is offered to the origin). */
    private static final Set<String> HANDSHAKE_HEADERS = Set.of("sec-websocket-key", "sec-websocket-version",
            "sec-websocket-extensions", "sec-websocket-accept", "sec-websocket-protocol");
    /** Headers of the origin's connection, not of its response. */
    private static final Set<String> RESPONSE_CONNECTION_HEADERS = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer");

    private final Request request;
    private final FetchTarget target;
    private final HttpMethod method;
    private final FetchLimits limits;
    private final OriginGuard guard;
    /** For an upgrade: the pair whose client end the origin's connection carries; null otherwise. */
    private final WebSocketPair pair;
    private final CompletableFuture<Response> answer = new CompletableFuture<>();
    /** Whether the answer comes at the response's head, its body a stream. */
    private final boolean streamed;
    /** A streamed answer's body, once its head came; and whether a chunk of it waits for its reader. */
    private BodyStream out;
    private boolean outBackedUp;
    /** A request body being sent as it is written: the chunk that waits for the connection to take more. */
    private CompletableFuture<Void> untilWritable;
    private ChannelHandlerContext ctx;
    private WebSocketClientHandshaker handshaker;
    /** The final response's head, once it came. */
    private HttpResponse head;
    /** Reading the content of an informational response (100 Continue), which is skipped. */
    private boolean interim;
    private ByteArrayOutputStream body;
    private long lastRead;
    private ScheduledFuture<?> readTimer;
    private boolean finished;

    /**
     * @throws IllegalArgumentException when the request's method is not an HTTP token
     */
    Subrequest(Request request, FetchTarget target, FetchLimits limits, OriginGuard guard, WebSocketPair pair, boolean streamed) {
        this.streamed = streamed && pair == null;
        this.request = request;
        this.target = target;
        this.method = HttpMethod.valueOf(request.method());
        this.limits = limits;
        this.guard = guard;
        this.pair = pair;
    }

    /** The response, or why there is none (a {@link FetchException}). */
    CompletableFuture<Response> answer() {
        return answer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The last step before the connect system call, on the resolved address: the guard may refuse it. */
    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        if (remote instanceof InetSocketAddress address) {
            String refusal = guard.refusal(address);
            if (refusal != null) {
                promise.setFailure(new RefusedOrigin(refusal));
                return;
            }
        }
        ctx.connect(remote, local, promise);
    }

    /** The connect ended: the request goes out (over TLS, once its handshake is done), or the fetch fails with why. */
    void connected(ChannelFuture connect) {
        if (finished) {
            connect.channel().close(); // aborted while it connected
            return;
        }
        if (!connect.isSuccess()) {
            fail(FetchFailures.describe(connect.cause(), target, limits), connect.cause());
            return;
        }
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            send();
            return;
        }
        tls.handshakeFuture().addListener(handshake -> {
            if (handshake.isSuccess()) {
                send();
            } else {
                fail(FetchFailures.describe(handshake.cause(), target, limits), handshake.cause());
            }
        });
    }

    /** Sends the request; from now on the origin may be silent for at most the read timeout. */
    private void send() {
        if (finished) {
            return;
        }
        lastRead = System.nanoTime();
        readTimer = ctx.executor().schedule(this::checkRead, limits.read().toNanos(), TimeUnit.NANOSECONDS);
        if (pair != null) {
            handshaker = WebSocketClientHandshakerFactory.newHandshaker(target.webSocketUri(), WebSocketVersion.V13,
                    request.headers().get("sec-websocket-protocol"), false, handshakeHeaders(), WebSocket.MAX_MESSAGE_SIZE,
                    true, false, -1, false, false);
            handshaker.handshake(ctx.channel()).addListener(f -> {
                if (!f.isSuccess()) {
                    fail("the request could not be sent", f.cause());
                }
            });
        } else if (request.stream() != null) {
            HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target.requestTarget());
            headers(head);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head).addListener(this::sent);
            request.stream().consume(new RequestBodyOut());
        } else {
            ctx.writeAndFlush(httpRequest()).addListener(this::sent);
        }
    }

    private void sent(Future<? super Void> write) {
        if (!write.isSuccess()) {
            fail("the request could not be sent", write.cause());
        }
    }

    private FullHttpRequest httpRequest() {
        ByteBuf content = Unpooled.wrappedBuffer(request.bytes());
        FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target.requestTarget(), content);
        headers(out);
        if (content.isReadable() || method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.PATCH)) {
            out.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        }
        return out;
    }

    private void headers(HttpRequest out) {
        request.headers().forEach((name, value) -> {
            if (!REQUEST_CONNECTION_HEADERS.contains(name)) {
                out.headers().add(name, value);
            }
        });
        out.headers().set(HttpHeaderNames.HOST, target.hostHeader()).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }

    /** Sends a request body as it is written: a chunk is taken once the connection can take more. */
    private final class RequestBodyOut implements BodyStream.Reader {
        @Override
        public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
            onLoop(() -> {
                if (finished || !ctx.channel().isActive()) {
                    taken.completeExceptionally(new IllegalStateException("the fetch ended before its request body was sent"));
                    return;
                }
                lastRead = System.nanoTime(); // the exchange is not idle while the body goes out
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))).addListener(Subrequest.this::sent);
                if (ctx.channel().isWritable()) {
                    taken.complete(null);
                } else {
                    untilWritable = taken;
                }
            });
        }

        @Override
        public void end() {
            onLoop(() -> {
                if (!finished && ctx.channel().isActive()) {
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(Subrequest.this::sent);
                }
            });
        }

        @Override
        public void aborted(String reason) {
            onLoop(() -> fail("the request body stream failed: " + reason, null));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        CompletableFuture<Void> waiting = untilWritable;
        if (waiting != null && ctx.channel().isWritable()) {
            untilWritable = null;
            waiting.complete(null);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Runs {@code action} on this connection's loop: now when this is it, else in its turn (a Durable Object writes on its own thread). */
    private void onLoop(Runnable action) {
        if (ctx.executor().inEventLoop()) {
            action.run();
        } else {
            ctx.executor().execute(action);
        }
    }

    /** The fetch was given up (its signal aborted): the connection closes, and a body still coming ends incomplete. */
    void abort() {
        if (ctx == null) {
            fail("the fetch was aborted", null);
        } else {
            onLoop(() -> fail("the fetch was aborted", null));
        }
    }

    private HttpHeaders handshakeHeaders() {
        HttpHeaders out = new DefaultHttpHeaders();
        request.headers().forEach((name, value) -> {
            if (!REQUEST_CONNECTION_HEADERS.contains(name) && !HANDSHAKE_HEADERS.contains(name)) {
                out.add(name, value);
            }
        });
        return out.set(HttpHeaderNames.HOST, target.hostHeader());
    }

    /** Fails the fetch when the origin has sent nothing for the read timeout; otherwise looks again when it could have. */
    private void checkRead() {
        if (finished) {
            return;
        }
        long idle = System.nanoTime() - lastRead;
        long timeout = limits.read().toNanos();
        if (outBackedUp) {
            idle = 0; // the origin waits for the body's reader, not the other way round
        }
        if (idle >= timeout) {
            fail("the origin sent nothing for " + FetchFailures.seconds(limits.read()) + " (the read timeout)", null);
        } else {
            readTimer = ctx.executor().schedule(this::checkRead, timeout - idle, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRead = System.nanoTime();
        if (finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (msg instanceof HttpResponse response) {
                onHead(response);
            }
            if (msg instanceof HttpContent content && !finished) {
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse response) {
        int status = response.status().code();
        if (status == 101 && pair == null) {
            fail("the origin switched protocols (101) for a request that asked for no upgrade", null);
        } else if (status < 200 && status != 101) {
            interim = true; // 100 Continue, 103 Early Hints: the response comes after
        } else if (status > 599) {
            fail("the origin answered with status " + status + " (expected: 200 to 599)", null);
        } else {
            head = response;
            if (streamed) {
                answerAtHead();
            }
        }
    }

    /** A streamed exchange's answer: the head now, the body as it comes. */
    private void answerAtHead() {
        BodyStream body = new BodyStream();
        Response response;
        try {
            response = new Response(body, head.status().code(), statusText(head.status()), headers(head));
        } catch (IllegalArgumentException e) {
            fail("the origin sent a header a Response cannot carry (" + e.getMessage() + ")", e);
            return;
        }
        out = body;
        body.onCancel(reason -> onLoop(() -> {
            if (!finished) {
                finish();
                ctx.close();
            }
        }));
        answer.complete(response);
    }

    /** Part of a streamed answer's body: the connection is read again once the reader took it. */
    private void streamContent(HttpContent content) {
        ByteBuf bytes = content.content();
        if (bytes.isReadable()) {
            CompletableFuture<Void> taken = out.write(ByteBufUtil.getBytes(bytes)).toCompletableFuture();
            if (!taken.isDone()) {
                outBackedUp = true;
                ctx.channel().config().setAutoRead(false);
                taken.whenComplete((ignored, cancelled) -> onLoop(this::outTaken));
            } else if (taken.isCompletedExceptionally()) {
                return; // the reader cancelled: its onCancel closes the connection
            }
        }
        if (content instanceof LastHttpContent) {
            BodyStream done = out;
            finish();
            ctx.close();
            done.close();
        }
    }

    private void outTaken() {
        outBackedUp = false;
        if (!finished) {
            lastRead = System.nanoTime();
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void onContent(HttpContent content) {
        if (interim) {
            interim = !(content instanceof LastHttpContent);
            return;
        }
        if (head == null) {
            fail("the origin sent a body without a response", null);
            return;
        }
        if (out != null) {
            streamContent(content);
            return;
        }
        ByteBuf bytes = content.content();
        if (bytes.isReadable()) {
            long size = (body == null ? 0 : body.size()) + (long) bytes.readableBytes();
            if (size > limits.maxBody()) {
                fail(FetchFailures.tooLarge(limits), null);
                return;
            }
            if (body == null) {
                body = new ByteArrayOutputStream(Math.min(bytes.readableBytes(), 64 * 1024));
            }
            if (bytes.hasArray()) {
                body.write(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
            } else {
                body.writeBytes(ByteBufUtil.getBytes(bytes));
            }
        }
        if (content instanceof LastHttpContent) {
            if (head.status().code() == 101) {
                upgraded();
            } else {
                answered();
            }
        }
    }

    private void answered() {
        Response response;
        try {
            byte[] bytes = body == null ? null : body.toByteArray();
            response = new Response(bytes, head.status().code(), statusText(head.status()), headers(head), null);
        } catch (IllegalArgumentException e) {
            fail("the origin sent a header a Response cannot carry (" + e.getMessage() + ")", e);
            return;
        }
        finish();
        ctx.close();
        discardPair(); // the origin refused the upgrade
        answer.complete(response);
    }

    /**
     * The origin accepted the WebSocket: Netty checks its 101 and puts the frame codecs in place,
     * and the connection carries the pair's client end from now on.
     */
    private void upgraded() {
        Headers headers;
        try {
            headers = headers(head);
            handshaker.finishHandshake(ctx.channel(), new DefaultFullHttpResponse(head.protocolVersion(), head.status(),
                    Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE));
        } catch (RuntimeException e) {
            fail("the origin's WebSocket handshake is not valid (" + e.getMessage() + ")", e);
            return;
        }
        finish();
        OriginSocket socket = new OriginSocket(pair.client(), request.url(), limits.closeGrace());
        // frame decoder (the handshaker's) -> UTF-8 check -> whole messages -> the socket
        ctx.pipeline().addLast(new Utf8FrameValidator(true), new WebSocketFrameAggregator(WebSocket.MAX_MESSAGE_SIZE), socket);
        ctx.pipeline().remove(this);
        WebSocket.Host.attach(pair.client(), socket);
        answer.complete(new Response(null, 101, statusText(head.status()), headers, pair.server()));
    }

    private static String statusText(HttpResponseStatus status) {
        String usual = HttpResponseStatus.valueOf(status.code()).reasonPhrase();
        return status.reasonPhrase().equals(usual) ? null : status.reasonPhrase();
    }

    private static Headers headers(HttpResponse head) {
        Headers headers = new Headers();
        for (var header : head.headers()) {
            String name = header.getKey();
            if (!RESPONSE_CONNECTION_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                headers.append(name, header.getValue());
            }
        }
        return headers;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            fail(head == null ? "the origin closed the connection before it answered"
                    : "the origin closed the connection before its response ended", null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(FetchFailures.describe(cause, target, limits), cause);
    }

    private void finish() {
        finished = true;
        body = null;
        out = null;
        if (readTimer != null) {
            readTimer.cancel(false);
        }
        if (request.stream() != null) {
            request.stream().cancel("the fetch ended"); // nothing when the body was sent whole
        }
        CompletableFuture<Void> waiting = untilWritable;
        if (waiting != null) {
            untilWritable = null;
            waiting.completeExceptionally(new IllegalStateException("the fetch ended before its request body was sent"));
        }
    }

    /** The exchange failed: before the answer the fetch fails with why; after, the body being streamed ends incomplete. */
    private void fail(String what, Throwable cause) {
        if (finished) {
            return;
        }
        BodyStream streaming = out;
        finish();
        if (ctx != null) {
            ctx.close();
        }
        discardPair();
        if (streaming != null) {
            streaming.abort(what);
        } else {
            answer.completeExceptionally(new FetchException(request + ": " + what, cause));
        }
    }

    /** The Worker never gets the pair's server end: it is closed, so that a Durable Object that made it does not keep it. */
    private void discardPair() {
        if (pair != null) {
            WebSocket.Host.terminate(pair.server(), 1011, "no WebSocket to the origin");
        }
    }

    /** The guard refused the address a host name resolved to. */
    static final class RefusedOrigin extends ConnectException {
        RefusedOrigin(String message) {
            super(message);
        }
    }
}
