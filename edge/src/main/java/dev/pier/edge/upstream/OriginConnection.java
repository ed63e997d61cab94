package dev.pier.edge.upstream;

import dev.pier.analytics.RequestLogBuilder;
import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.transport.ByteCounter;
import dev.pier.edge.tunnel.Extensions;
import dev.pier.edge.tunnel.Tunnel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A connection to a TCP origin while it speaks HTTP: the last handler of the origin channel's
 * pipeline. It refuses to connect to an address the {@link OriginGuard} prohibits (checked on
 * the resolved address just before the connect system call), times the response head, and hands
 * every response message to its {@link UpstreamListener}. Reading follows the client's
 * writability.
 */
final class OriginConnection extends ChannelDuplexHandler implements UpstreamConnection {

    private final OriginPeer peer;
    private final UpstreamListener listener;
    private final OriginGuard guard;
    private final ByteCounter traffic = new ByteCounter();
    /** The resolved address the guard refused, or null. */
    private InetSocketAddress prohibited;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private boolean connected;
    /** The connect timeout until the connection is made, then the response head's. */
    private ScheduledFuture<?> timer;
    /** The origin keeps the connection open after the current response. */
    private boolean keepAlive = true;
    /** A 1xx response other than 101 is being read; the final response follows it. */
    private boolean interim;
    private boolean readSuspended;

    OriginConnection(OriginPeer peer, UpstreamListener listener, OriginGuard guard) {
        this.peer = peer;
        this.listener = listener;
        this.guard = guard;
    }

    void channel(Channel channel) {
        this.channel = channel;
    }

    ByteCounter traffic() {
        return traffic;
    }

    /** Tells the listener how connecting (and the TLS handshake, when there is one) ended. */
    void connectDone(ChannelFuture f) {
        cancelTimer();
        if (!f.isSuccess()) {
            EdgeError error = classify(f.cause());
            // The page does not name the edge's own addresses; the request log's OriginIP does.
            listener.upstreamFailed(this, EdgeException.of(error, error == EdgeError.PROHIBITED_ORIGIN ? null : f.cause().getMessage(),
                    f.cause()));
        } else if (peer.tls() == null) {
            connected = true;
            listener.upstreamConnected(this);
        } else {
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    connected = true;
                    listener.upstreamConnected(this);
                } else {
                    channel.close();
                    listener.upstreamFailed(this, EdgeException.of(classifyTls(h.cause()), rootMessage(h.cause()), h.cause()));
                }
            });
        }
    }

    /** 526 when the origin's certificate is not valid (strict mode), 525 for any other TLS failure. */
    private static EdgeError classifyTls(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof java.security.cert.CertificateException || c instanceof java.security.cert.CertPathValidatorException
                    || c instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return EdgeError.ORIGIN_INVALID_CERTIFICATE;
            }
        }
        return EdgeError.ORIGIN_TLS_FAILED;
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static EdgeError classify(Throwable cause) {
        if (cause instanceof ProhibitedOriginException) {
            return EdgeError.PROHIBITED_ORIGIN;
        }
        if (cause instanceof ConnectTimeoutException) {
            return EdgeError.ORIGIN_CONNECT_TIMEOUT;
        }
        if (cause instanceof ConnectException && String.valueOf(cause.getMessage()).contains("refused")) {
            return EdgeError.ORIGIN_REFUSED;
        }
        return EdgeError.ORIGIN_UNREACHABLE; // no route, unknown host name, anything else on the way
    }

    /**
     * The last step before the connect system call, on the resolved address: an address the
     * guard prohibits fails the connect (the bootstrap then closes the channel) and nothing is
     * sent anywhere.
     */
    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        if (remote instanceof InetSocketAddress address) {
            String refusal = guard.refusal(address);
            if (refusal != null) {
                prohibited = address;
                promise.setFailure(new ProhibitedOriginException(refusal));
                return;
            }
        }
        ctx.connect(remote, local, promise);
        if (!promise.isDone()) {
            timer = ctx.executor().schedule(() -> connectTimedOut(promise, remote), peer.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The connect timeout, the edge's own rather than the channel option's: Netty keeps its
     * cancelled timeout task referenced from the channel for as long as the channel lives (64
     * bytes per proxied WebSocket), where this one is let go once the connection is made.
     */
    private void connectTimedOut(ChannelPromise promise, SocketAddress remote) {
        timer = null;
        if (promise.tryFailure(new ConnectTimeoutException("connection timed out after " + peer.connectTimeout().toMillis() + " ms: " + remote))) {
            channel.close();
        }
    }

    /** Why an origin connection was not even attempted. */
    static final class ProhibitedOriginException extends ConnectException {
        ProhibitedOriginException(String message) {
            super(message);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Reads from the start: a TLS handshake needs it, and a plain origin that closes is noticed. */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public boolean serves(UpstreamPeer other) {
        return other instanceof OriginPeer origin && peer.sameAs(origin);
    }

    @Override
    public boolean reusable() {
        return connected && keepAlive && channel.isActive();
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    @Override
    public String remoteIp() {
        if (prohibited != null) {
            return prohibited.getAddress().getHostAddress();
        }
        return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : peer.host();
    }

    @Override
    public long bytesRead() {
        return traffic.read();
    }

    @Override
    public void sendHead(HttpRequest head, Duration responseTimeout, RequestLogBuilder record) {
        keepAlive = HttpUtil.isKeepAlive(head);
        ctx.write(head, ctx.voidPromise());
        timer = ctx.executor().schedule(this::responseTimedOut, responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.read();
    }

    private void responseTimedOut() {
        timer = null;
        listener.upstreamFailed(this, EdgeException.of(EdgeError.ORIGIN_TIMEOUT, null));
    }

    @Override
    public void sendContent(HttpContent content) {
        ctx.write(content, ctx.voidPromise());
    }

    @Override
    public void flush() {
        if (connected) {
            ctx.flush();
        }
    }

    @Override
    public void close() {
        cancelTimer();
        channel.close();
    }

    @Override
    public void resumeReading() {
        if (readSuspended) {
            readSuspended = false;
            ctx.read();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            cancelTimer();
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                Throwable cause = response.decoderResult().cause();
                listener.upstreamFailed(this, EdgeException.of(EdgeError.ORIGIN_INVALID_RESPONSE, cause.getMessage(), cause));
                return;
            }
            int status = response.status().code();
            interim = status < 200 && status != 101;
            if (status >= 200 && !HttpUtil.isKeepAlive(response)) {
                keepAlive = false;
            }
        }
        boolean last = msg instanceof LastHttpContent;
        listener.upstreamMessage(this, (HttpObject) msg);
        if (last) {
            if (!interim && !keepAlive) {
                channel.close();
            }
            interim = false;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener.upstreamReadComplete(this)) {
            ctx.read();
        } else {
            readSuspended = true;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            listener.upstreamWritable(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        listener.upstreamClosed(this);
    }

    /** A reset or a broken TLS record closes the connection (the listener hears of it as a close); anything else is a fault of the edge. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (EdgeException.isPeerFailure(cause)) {
            ctx.close();
        } else {
            listener.upstreamFailed(this, EdgeException.from(cause));
        }
    }

    /** The origin's side of a byte tunnel: both connections carry WebSocket frames as they come, counted but never re-framed. */
    @Override
    public ProtocolSwitch.Result switchProtocols(ProtocolSwitch upgrade) {
        cancelTimer();
        upgrade.record().originResponseBytes(traffic.read());
        boolean reservedOpcodesAllowed = Extensions.mayDefineOpcodes(
                upgrade.response().headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
        Tunnel tunnel = new Tunnel(upgrade.record(), upgrade.usage(), upgrade.logging(), upgrade.settings(), upgrade.closeGrace(),
                reservedOpcodesAllowed);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addAfter(OriginUpstream.CODEC, "tunnel", tunnel.originHandler());
        pipeline.remove(this);
        pipeline.remove(traffic);
        pipeline.remove(OriginUpstream.CODEC);
        return new ProtocolSwitch.Result(java.util.List.of(tunnel.clientHandler()), tunnel::start);
    }
}
