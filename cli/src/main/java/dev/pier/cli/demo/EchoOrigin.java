package dev.pier.cli.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A WebSocket echo server for the demo, the tests and the Autobahn run: every text or binary
 * frame comes back as it was sent, fragments included; a ping gets its pong; a close comes back
 * with the same code and reason; a frame that breaks RFC 6455 gets the close code the RFC asks
 * for; a plain HTTP request gets a short page. It accepts any path and the first offered
 * subprotocol, and negotiates permessage-deflate when the client offers it.
 *
 * <p>Built like Netty's own Autobahn server (a bare {@link WebSocketServerHandshaker}, no
 * {@code WebSocketServerProtocolHandler}, whose default close answers fail Autobahn's close
 * cases 7.3.2, 7.3.6, 7.5.1 and 7.9.*): it passes every case of groups 1–7, 9 and 10 directly
 * (docs/AUTOBAHN.md).
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
                                    new WebSocketServerCompressionHandler(0),
                                    new Handler());
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

    /** Answers plain HTTP with a page; upgrades to a WebSocket and echoes its frames. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private WebSocketServerHandshaker handshaker;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                try {
                    if (request.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
                        handshake(ctx, request);
                    } else {
                        page(ctx, request);
                    }
                } finally {
                    request.release();
                }
            } else if (msg instanceof WebSocketFrame frame) {
                frame(ctx, frame);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The frame decoder has already sent the close frame a protocol violation calls for
            // and closes the connection once it is written; anything else ends the connection.
            if (!(cause instanceof CorruptedWebSocketFrameException)) {
                ctx.close();
            }
        }

        private void handshake(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess() || request.method() != HttpMethod.GET) {
                var response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.BAD_REQUEST);
                HttpUtil.setContentLength(response, 0);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            // Reserved bits are a protocol violation unless an extension that uses them was
            // negotiated: the compression handler negotiates permessage-deflate when it is offered.
            boolean deflate = request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS).stream()
                    .anyMatch(offer -> offer.toLowerCase(Locale.ROOT).contains("permessage-deflate"));
            String location = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
            WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(location, "*",
                    WebSocketDecoderConfig.newBuilder().allowExtensions(deflate).maxFramePayloadLength(64 << 20).build());
            handshaker = factory.newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            } else {
                handshaker.handshake(ctx.channel(), request);
            }
        }

        private void frame(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx, close);
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.write(new PongWebSocketFrame(frame.content()));
            } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                    || frame instanceof ContinuationWebSocketFrame) {
                ctx.write(frame);
            } else {
                frame.release();
            }
        }

        private static void page(ChannelHandlerContext ctx, FullHttpRequest request) {
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
