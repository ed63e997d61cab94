package dev.pier.edge.http;

import dev.pier.config.Timeouts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLParameters;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The origin half of a proxied connection while it speaks HTTP: connects (on the client
 * channel's event loop, so both halves share a thread), sends requests, times the response
 * head, and hands every response message to the {@link ProxyHandler}. Reading from the origin
 * follows the client's writability. It refuses to connect to an address the {@link OriginGuard}
 * prohibits, checked on the resolved address just before the connect system call.
 */
final class OriginHandler extends ChannelDuplexHandler {

    static final String CODEC = "http";

    private final ProxyHandler proxy;
    private final String host;
    private final int port;
    /** The name TLS asks for and checks (the client's Host), or null for plain HTTP. */
    private final String tlsName;
    private final Timeouts timeouts;
    private final OriginGuard guard;
    /** The resolved address the guard refused, or null. */
    private InetSocketAddress prohibited;
    private final TrafficCounter traffic = new TrafficCounter();
    private ChannelHandlerContext ctx;
    private Channel channel;
    private boolean connected;
    private ScheduledFuture<?> responseTimer;
    /** The origin keeps the connection open after the current response. */
    private boolean keepAlive = true;
    private boolean readSuspended;

    private OriginHandler(ProxyHandler proxy, String host, int port, String tlsName, Timeouts timeouts, OriginGuard guard) {
        this.proxy = proxy;
        this.guard = guard;
        this.host = host;
        this.port = port;
        this.tlsName = tlsName;
        this.timeouts = timeouts;
    }

    /**
     * Starts connecting; the proxy hears of the outcome through {@code originConnected} (after
     * the TLS handshake, when there is one) or {@code originFailed}.
     *
     * @param tls      the client context toward this origin, or null for plain HTTP
     * @param tlsName  the host name to send as SNI and, in strict mode, to check the certificate against
     * @param strict   check the origin's certificate and host name (Cloudflare's Full (strict))
     */
    static OriginHandler connect(ProxyHandler proxy, Channel client, EdgeContext edge, String host, int port,
                                 Timeouts timeouts, SslContext tls, String tlsName, boolean strict) {
        OriginHandler origin = new OriginHandler(proxy, host, port, tls == null ? null : tlsName, timeouts, edge.originGuard());
        ChannelFuture future = edge.originBootstrap().get()
                .group(client.eventLoop())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeouts.originConnect().toMillis()))
                .option(ChannelOption.RCVBUF_ALLOCATOR, EdgeChannelOptions.RECEIVE_BUFFERS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, EdgeChannelOptions.WATER_MARK)
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            SslHandler handler = tls.newHandler(ch.alloc(), tlsName, port);
                            handler.setHandshakeTimeoutMillis(timeouts.originConnect().toMillis());
                            if (strict) {
                                SSLParameters parameters = handler.engine().getSSLParameters();
                                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                                handler.engine().setSSLParameters(parameters);
                            }
                            ch.pipeline().addLast("tls", handler);
                        }
                        ch.pipeline().addLast("traffic", origin.traffic);
                        ch.pipeline().addLast(CODEC, new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(16 * 1024)
                                .setMaxHeaderSize(64 * 1024), false, false));
                        ch.pipeline().addLast("origin", origin);
                    }
                })
                .connect(host, port);
        origin.channel = future.channel();
        if (future.isDone()) {
            // Failed at once (a host name that does not resolve): the proxy learns of it once it
            // holds the handler this method returns, not before, when it would not know it.
            client.eventLoop().execute(() -> origin.connectDone(future, tls));
        } else {
            future.addListener(f -> origin.connectDone(future, tls));
        }
        return origin;
    }

    /** Tells the proxy how connecting (and the TLS handshake, when there is one) ended. */
    private void connectDone(ChannelFuture f, SslContext tls) {
        if (!f.isSuccess()) {
            EdgeError error = classify(f.cause());
            // The page does not name the edge's own addresses; the request log's OriginIP does.
            proxy.originFailed(this, error, error == EdgeError.PROHIBITED_ORIGIN ? null : f.cause().getMessage());
        } else if (tls == null) {
            connected = true;
            proxy.originConnected(this);
        } else {
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    connected = true;
                    proxy.originConnected(this);
                } else {
                    channel.close();
                    proxy.originFailed(this, classifyTls(h.cause()), rootMessage(h.cause()));
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

    boolean matches(String host, int port, String tlsName) {
        return this.host.equals(host) && this.port == port && java.util.Objects.equals(this.tlsName, tlsName);
    }

    /** Connected, open, and the previous response let the connection be reused. */
    boolean reusable() {
        return connected && keepAlive && channel.isActive();
    }

    boolean connected() {
        return connected;
    }

    boolean writable() {
        return channel.isWritable();
    }

    String remoteIp() {
        if (prohibited != null) {
            return prohibited.getAddress().getHostAddress();
        }
        return channel.remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress() : host;
    }

    long bytesRead() {
        return traffic.read;
    }

    /** Sends a request head and starts the response timer (524 when {@code responseTimeout} passes). */
    void sendHead(HttpRequest request, java.time.Duration responseTimeout) {
        keepAlive = HttpUtil.isKeepAlive(request);
        ctx.write(request, ctx.voidPromise());
        responseTimer = ctx.executor().schedule(proxy::originTimedOut, responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.read();
    }

    void sendContent(HttpContent content) {
        ctx.write(content, ctx.voidPromise());
    }

    /** Flushes what was sent; nothing before the connection (and its TLS handshake) is up. */
    void flush() {
        if (connected) {
            ctx.flush();
        }
    }

    void close() {
        cancelTimer();
        channel.close();
    }

    /** The client can take more: read on if reading was held back. */
    void resumeReading() {
        if (readSuspended) {
            readSuspended = false;
            ctx.read();
        }
    }

    private void cancelTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
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
                proxy.originBroken(this, response.decoderResult().cause());
                return;
            }
            if (response.status().code() >= 200 && !HttpUtil.isKeepAlive(response)) {
                keepAlive = false;
            }
        }
        proxy.originMessage(this, (HttpObject) msg);
        if (msg instanceof LastHttpContent && !keepAlive && proxy.responseDone()) {
            channel.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (proxy.clientWritable()) {
            proxy.flushClient();
            ctx.read();
        } else {
            proxy.flushClient();
            readSuspended = true;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            proxy.originWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        proxy.originClosed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** The channel, for the switch to the tunnel. */
    Channel channel() {
        return channel;
    }

    TrafficCounter traffic() {
        return traffic;
    }
}
