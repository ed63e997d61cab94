package dev.pier.edge.fetch;

import dev.pier.workers.WebSocket;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket a fetch opened to an origin, on the client side of RFC 6455 (frames masked, pings
 * answered here): each whole message from the origin goes to the pair's server end, the Worker's,
 * and what the Worker sends goes out on the origin's connection, from whichever thread it sends
 * (a Durable Object's), on the connection's event loop.
 *
 * <p>Writes are batched: what the Worker sends while this connection reads is flushed when the
 * read batch ends, and what it sends otherwise (a message from the client it bridges) is flushed
 * once the task that sent it is over, so a burst leaves in one write. What the origin has not
 * read yet is bounded: past {@link #MAX_UNSENT} bytes waiting, the Worker's end fails rather than
 * the node's memory filling up.
 */
final class OriginSocket extends ChannelInboundHandlerAdapter implements WebSocket.Transport {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(OriginSocket.class);

    /** The most bytes the Worker may have sent that the origin has not read: twice the largest message. */
    static final long MAX_UNSENT = 2L * WebSocket.MAX_MESSAGE_SIZE;

    /** The pair's client end: what the origin sends, its server end receives. */
    private final WebSocket end;
    private final String url;
    private final Duration closeGrace;
    private ChannelHandlerContext ctx;
    private boolean reading;
    private boolean flushPending;
    private boolean closeSent;
    private boolean closeReceived;
    /** Why this side ends the connection, for the Worker's error event; null while nothing went wrong. */
    private String failure;
    private ScheduledFuture<?> closeTimer;

    OriginSocket(WebSocket end, String url, Duration closeGrace) {
        this.end = end;
        this.url = url;
        this.closeGrace = closeGrace;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        switch (msg) {
            case TextWebSocketFrame text -> {
                String data = text.text();
                text.release();
                deliver(() -> WebSocket.Host.received(end, data));
            }
            case BinaryWebSocketFrame binary -> {
                byte[] data = ByteBufUtil.getBytes(binary.content());
                binary.release();
                deliver(() -> WebSocket.Host.received(end, data));
            }
            case PingWebSocketFrame ping -> ctx.write(new PongWebSocketFrame(ping.content()), ctx.voidPromise());
            case CloseWebSocketFrame close -> onClose(close);
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private void onClose(CloseWebSocketFrame close) {
        int code = close.statusCode() < 0 ? 1005 : close.statusCode();
        String reason = close.reasonText();
        close.release();
        closeReceived = true;
        // The origin's close, or its answer to the Worker's: the Worker's end hears it either way (as the end of its own
        // handshake, when it closed first), and a client's connection it was joined to gets the answer to the client's close
        deliver(() -> WebSocket.Host.closed(end, code == 1005 ? 1000 : code, code == 1005 ? "" : reason));
        if (closeSent) {
            ctx.flush();
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        flushPending = false;
        ctx.flush();
    }

    /**
     * Runs the Worker's code for one event of the origin's (a stateless Worker's listeners run
     * here); what it throws closes the origin's side with 1011 and fails the Worker's end.
     */
    private void deliver(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException | StackOverflowError e) {
            logger.error("A Worker threw while handling an event of its WebSocket to {}", url, e);
            sendClose(1011, "the Worker threw an exception");
            WebSocket.Host.failed(end, "the Worker threw an exception");
        }
    }

    @Override
    public void send(String text) {
        if (!ctx.executor().inEventLoop()) { // a Durable Object's thread, or another connection's loop
            ctx.executor().execute(() -> send(text));
            return;
        }
        write(new TextWebSocketFrame(text));
    }

    @Override
    public void send(byte[] data) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> send(data));
            return;
        }
        write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
    }

    @Override
    public void close(int code, String reason) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> close(code, reason));
            return;
        }
        sendClose(code, reason);
    }

    /** The connection the Worker joined this one to ended without a close handshake: this one ends too. */
    @Override
    public void abort(String why) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> abort(why));
            return;
        }
        closeSent = true;
        ctx.close();
    }

    private void write(WebSocketFrame frame) {
        if (closeSent || !ctx.channel().isActive()) {
            frame.release();
            return;
        }
        ChannelOutboundBuffer unsent = ctx.channel().unsafe().outboundBuffer();
        if (unsent != null && unsent.totalPendingWriteBytes() + frame.content().readableBytes() > MAX_UNSENT) {
            frame.release();
            overflow();
            return;
        }
        ctx.write(frame, ctx.voidPromise());
        if (!reading && !flushPending) {
            flushPending = true;
            ctx.executor().execute(() -> {
                if (flushPending) {
                    flushPending = false;
                    ctx.flush();
                }
            });
        }
    }

    /** The origin reads slower than the Worker sends, by more than {@link #MAX_UNSENT}: the socket fails. */
    private void overflow() {
        failure = "the origin has not read " + MAX_UNSENT + " bytes the Worker sent";
        logger.warn("The WebSocket to {} failed: {}", url, failure);
        closeSent = true;
        ctx.close();
    }

    /** The Worker's close frame; once both sides have sent one, or after the close grace, the connection closes. */
    private void sendClose(int code, String reason) {
        if (closeSent || !ctx.channel().isActive()) {
            return;
        }
        closeSent = true;
        var written = ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        if (closeReceived) {
            written.addListener(ChannelFutureListener.CLOSE);
        } else {
            closeTimer = ctx.executor().schedule(() -> {
                ctx.close();
            }, closeGrace.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            failure = "the origin sent a message larger than " + WebSocket.MAX_MESSAGE_SIZE + " bytes";
            sendClose(1009, "message too big");
            deliver(() -> WebSocket.Host.failed(end, failure));
        } else if (cause instanceof CorruptedWebSocketFrameException violation) {
            // the decoder or the UTF-8 check wrote the close frame (1002, 1007) and closes the connection once it is written
            closeSent = true;
            failure = "the origin broke the WebSocket protocol (" + violation.getMessage() + ")";
        } else {
            failure = "the connection to the origin failed (" + cause.getMessage() + ")";
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        if (!(closeSent && closeReceived)) {
            String why = failure != null ? failure : "the origin's connection ended without a close handshake";
            deliver(() -> WebSocket.Host.failed(end, why));
        }
        ctx.fireChannelInactive();
    }
}
