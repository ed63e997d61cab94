package dev.pier.cli.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A WebSocket echo server for the demo (and a handy origin in tests): every text or binary
 * frame comes back as it was sent, fragments included; a close comes back with the same code
 * and reason; a plain HTTP request gets a short page. It negotiates permessage-deflate and
 * accepts any path and the first offered subprotocol.
 *
 * <p>An origin, not part of the edge: it may decode frames, which the edge never does.
 */
public final class EchoOrigin implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup connections;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EchoOrigin(EventLoopGroup group, Channel server, ChannelGroup connections) {
        this.group = group;
        this.server = server;
        this.connections = connections;
    }

    /**
     * Starts an echo origin; port 0 picks a free port. It binds with SO_REUSEPORT, so that a
     * new {@code pier demo} can start its own beside it and take over, as its edge does.
     */
    public static EchoOrigin start(String host, int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup(group.next());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            ch.pipeline().addLast(
                                    new HttpServerCodec(),
                                    new HttpObjectAggregator(1 << 20),
                                    new Page(),
                                    new WebSocketServerCompressionHandler(0),
                                    new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                            .websocketPath("/")
                                            .checkStartsWith(true)
                                            .subprotocols("*")
                                            .allowExtensions(true)
                                            .maxFramePayloadLength(64 << 20)
                                            .handshakeTimeoutMillis(10_000)
                                            .build()),
                                    new Echo());
                        }
                    })
                    .bind(host, port).sync().channel();
            return new EchoOrigin(group, server, connections);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Closes the listener; open connections keep echoing. */
    public void stopAccepting() {
        server.close().syncUninterruptibly();
    }

    /** Waits up to {@code limit} for every open connection to close; true if they all did. */
    public boolean awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!connections.isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Closes the listener and every open connection; a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Sends data frames back unchanged; control frames are answered by the protocol handler. */
    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                    || frame instanceof ContinuationWebSocketFrame) {
                ctx.writeAndFlush(frame);
            } else {
                frame.release();
            }
        }
    }

    /** Answers plain HTTP requests; upgrade requests go on to the WebSocket handshake. */
    private static final class Page extends SimpleChannelInboundHandler<FullHttpRequest> {
        Page() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (request.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
                ctx.fireChannelRead(request);
                return;
            }
            try {
                answer(ctx, request);
            } finally {
                request.release();
            }
        }

        private static void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
            String body = "Pier demo echo origin: " + request.method() + " " + request.uri()
                    + " (" + request.content().readableBytes() + " body bytes)\n"
                    + "Open a WebSocket to this path and every message comes back.\n";
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    ByteBufUtil.writeUtf8(ctx.alloc(), body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            // the body repeats the request's URI: no browser may read it as anything but text
            response.headers().set("X-Content-Type-Options", "nosniff");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var future = ctx.writeAndFlush(response);
            if (!keepAlive) {
                future.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

}
