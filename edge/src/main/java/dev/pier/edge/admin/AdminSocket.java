package dev.pier.edge.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends text messages to one admin WebSocket, from any thread, without ever waiting: a message
 * that would take the bytes written but not yet sent past {@link #MAX_PENDING_BYTES} is refused
 * (the caller counts it), so a client that reads slowly costs a bounded amount of memory.
 */
public final class AdminSocket {

    /** Bytes of messages handed to the connection and not yet written to the socket, at most. */
    public static final int MAX_PENDING_BYTES = 1024 * 1024;

    private final Channel channel;
    private final AtomicLong pending = new AtomicLong();

    AdminSocket(Channel channel) {
        this.channel = channel;
    }

    /**
     * Sends {@code text} as one text message.
     *
     * @return false when it was not sent: the connection is closed, or the client has not read
     *         enough of what was sent before
     */
    public boolean send(String text) {
        if (!channel.isActive()) {
            return false;
        }
        int bytes = ByteBufUtil.utf8Bytes(text);
        if (pending.addAndGet(bytes) > MAX_PENDING_BYTES) {
            pending.addAndGet(-bytes);
            return false;
        }
        channel.writeAndFlush(new TextWebSocketFrame(text)).addListener(done -> pending.addAndGet(-bytes));
        return true;
    }

    /** Sends a close frame with {@code code} and {@code reason}, then closes the connection. */
    public void close(int code, String reason) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }
}
