package dev.pier.autobahn;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
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
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An Autobahn-conformant WebSocket echo origin, built like Netty's own testsuite-autobahn server
 * (a bare {@link WebSocketServerHandshaker}, no {@code WebSocketServerProtocolHandler}): data
 * frames come back as they were sent, fragments included; pings are answered; a close is
 * answered by the handshaker; protocol violations get the close code the RFC asks for.
 *
 * <p>It exists because {@code dev.pier.cli.demo.EchoOrigin} fails twelve close-frame cases
 * (7.3.2, 7.3.6, 7.5.1, 7.9.1–7.9.9) directly, and the Autobahn plugin stops the build at the
 * first run with a failed case (docs/AUTOBAHN.md). {@code -Dautobahn.origin=echo} selects
 * EchoOrigin instead.
 */
final class ConformantOrigin implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;

    private ConformantOrigin(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    static ConformantOrigin start(String host, int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Handler());
                        }
                    })
                    .bind(host, port).sync().channel();
            return new ConformantOrigin(group, server);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private WebSocketServerHandshaker handshaker;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                try {
                    handshake(ctx, request);
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
            String location = "ws://" + request.headers().get(HttpHeaderNames.HOST) + request.uri();
            WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(location, null,
                    WebSocketDecoderConfig.newBuilder().allowExtensions(false).maxFramePayloadLength(Integer.MAX_VALUE)
                            .build());
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
    }
}
