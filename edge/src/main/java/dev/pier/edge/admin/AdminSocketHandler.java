package dev.pier.edge.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * An admin WebSocket after its handshake: the server speaks, the client only listens. A ping is
 * answered, a close frame is returned and the connection closed, whatever else the client sends
 * is read and dropped; the route's {@link AdminRoute.Socket} hears when the connection is gone.
 */
final class AdminSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminSocketHandler.class);

    private final AdminRoute.Socket socket;
    private boolean closed;

    AdminSocketHandler(AdminRoute.Socket socket) {
        this.socket = socket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        gone();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        gone();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin socket: {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void gone() {
        if (!closed) {
            closed = true;
            socket.closed();
        }
    }
}
