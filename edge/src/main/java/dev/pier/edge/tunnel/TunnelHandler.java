package dev.pier.edge.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a {@link Tunnel}: reads bytes from its channel and writes them, unchanged, to
 * the other side. Writes go through the peer's context (so they skip anything the peer's
 * pipeline still has above this handler) and are flushed once per read batch. The channel
 * reads by itself (auto-read) while the peer can take more; once the peer's outbound buffer
 * passes its high water mark, reading stops until the peer is writable again: memory stays
 * bounded whatever the message size.
 *
 * <p>Until {@link Tunnel#start()} the handler is only a buffer. While the pipelines are being
 * switched, a removed HTTP codec hands on the bytes it held (an origin's first frames often
 * come in the same read as its 101) and may signal read-complete; the peer's handler may not
 * be in its pipeline yet. So before the start this handler keeps the bytes and touches
 * neither the peer nor the tunnel's clock; {@link Tunnel#start()} forwards them, and finds a
 * channel that closed in the meantime by asking it.
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(TunnelHandler.class);

    final Tunnel tunnel;
    final boolean client;
    /** Frames coming from this side. */
    final FrameTracker inbound;
    TunnelHandler peer;
    ChannelHandlerContext ctx;

    /** Bytes from this side: those of the upgrade (its request, or the origin's 101), then the tunnel's. */
    long bytesRead;
    boolean active = true;
    /** This side sent a close frame. */
    boolean sentClose;
    /** A close frame reached this side (forwarded or the edge's own). */
    boolean gotClose;
    /** The edge closed this side on its own: nothing more is forwarded to it. */
    boolean sealed;
    /** This side has data to read but the peer could not take more. */
    private boolean readSuspended;
    /** A close the edge will send this side as soon as the stream toward it reaches a frame boundary. */
    int pendingCloseCode;
    String pendingCloseReason;
    /** The edge failed this side (message too big): what it still sends is dropped. */
    boolean discarding;
    /** When this side last sent anything, on the event loop's clock. */
    long lastRead;
    /**
     * Bytes not forwarded yet: before the start, those that arrived while the pipelines were
     * being switched over; after it, the start of a frame that may be the edge's pong, kept until
     * the rest arrives. One field for both keeps the handler a word smaller.
     */
    private ByteBuf pending;
    /** This side's closing has been handed to the tunnel; it is handled once. */
    boolean closeReported;

    TunnelHandler(Tunnel tunnel, boolean client, FrameRules rules) {
        this.tunnel = tunnel;
        this.client = client;
        this.inbound = new FrameTracker(rules);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The channel is torn down; bytes kept for a tunnel that never started are let go. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBuffers();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg); // e.g. the codec's empty last content after the 101
            return;
        }
        bytesRead += buf.readableBytes();
        if (!tunnel.started()) {
            pending = pending == null ? buf : ctx.alloc().compositeBuffer().addComponents(true, pending, buf);
            return;
        }
        forward(buf);
    }

    /** Called once both pipelines are switched: forwards what came early and starts reading. */
    void start() {
        ByteBuf early = pending;
        pending = null;
        if (early != null) {
            forward(early);
            if (peer.active) {
                peer.ctx.flush();
            }
        }
        // From here on the channel reads by itself (a full read loop per wake-up, no task per
        // read) until the peer cannot take more: see suspendIfPeerFull(), which the early
        // bytes may already have called.
        if (!readSuspended) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * Sends {@code buf} on to the peer. Almost always it goes whole; only when the tracker
     * stops at a frame the edge must act on (its own pong, a message over the limit) is it cut.
     */
    private void forward(ByteBuf buf) {
        if (discarding) {
            buf.release();
            return;
        }
        if (pending != null) {
            buf = ctx.alloc().compositeBuffer(2).addComponents(true, pending, buf);
            pending = null;
        }
        int from = buf.readerIndex();
        int event = inbound.track(buf, from);
        if (event == FrameTracker.DONE) {
            send(buf);
        } else {
            forwardAroundEvents(buf, from, event);
        }
        if (peer.pendingCloseCode != 0 && inbound.atBoundary()) {
            peer.sendPendingClose();
        }
        if (inbound.takeCloseCompleted()) {
            tunnel.closeFrameFrom(this);
        }
    }

    private void forwardAroundEvents(ByteBuf buf, int from, int event) {
        try {
            while (true) {
                int start = inbound.eventStart();
                switch (event) {
                    case FrameTracker.DONE -> {
                        sendPart(buf, from, buf.writerIndex());
                        return;
                    }
                    case FrameTracker.SWALLOW -> {
                        sendPart(buf, from, start); // the edge's pong stops here
                        from = inbound.eventEnd();
                    }
                    case FrameTracker.BOUNDARY -> { // the frame in progress is through: the edge's close goes next
                        sendPart(buf, from, start);
                        peer.sendPendingClose();
                        return;
                    }
                    case FrameTracker.HOLD -> {
                        sendPart(buf, from, start);
                        pending = buf.retainedSlice(start, buf.writerIndex() - start);
                        return;
                    }
                    case FrameTracker.PROTOCOL_ERROR -> { // what precedes the frame goes on, nothing after it
                        sendPart(buf, from, start < 0 ? from : start);
                        tunnel.protocolError(this, start >= 0);
                        return;
                    }
                    default -> { // TOO_BIG: what precedes the frame goes on, nothing after it
                        sendPart(buf, from, start < 0 ? from : start);
                        tunnel.messageTooBig(this, start >= 0);
                        return;
                    }
                }
                event = inbound.track(buf, from);
            }
        } finally {
            buf.release();
        }
    }

    private void sendPart(ByteBuf buf, int from, int to) {
        if (to > from) {
            send(buf.retainedSlice(from, to - from));
        }
    }

    private void send(ByteBuf buf) {
        if (peer.active && !peer.sealed) {
            int length = buf.readableBytes();
            peer.ctx.write(buf, peer.ctx.voidPromise());
            if (peer.client) {
                tunnel.sentToClient(length);
            }
            suspendIfPeerFull();
        } else {
            buf.release();
        }
    }

    /** Backpressure: stop reading this side while the peer's outbound buffer is over its high mark. */
    private void suspendIfPeerFull() {
        if (!readSuspended && peer.active && !peer.ctx.channel().isWritable()) {
            readSuspended = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** Reads on after a suspension, e.g. because the peer is gone and this side's close must be seen. */
    void resumeReading() {
        if (readSuspended) {
            readSuspended = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Sends the close that waited for a frame boundary; nothing else goes to this side after it. */
    void sendPendingClose() {
        int code = pendingCloseCode;
        pendingCloseCode = 0;
        if (code != 0 && active && !sealed) {
            sealed = true;
            inject(ControlFrames.close(ctx.alloc(), code, pendingCloseReason, !client));
        }
    }

    /** Writes a frame the edge made; the stream toward this side must be at a frame boundary. */
    void inject(ByteBuf frame) {
        int length = frame.readableBytes();
        ctx.writeAndFlush(frame, ctx.voidPromise());
        if (client) {
            tunnel.sentToClient(length);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!tunnel.started()) {
            return; // start() flushes what came early
        }
        lastRead = tunnel.touched();
        if (peer.active) {
            peer.ctx.flush();
        }
        if (!peer.active && readSuspended) {
            readSuspended = false; // the peer is gone: read on, to see this side's close
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (tunnel.started() && ctx.channel().isWritable() && peer.readSuspended) {
            peer.readSuspended = false;
            peer.ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!tunnel.started()) {
            return; // start() sees the channel closed; the bytes it sent before still go on
        }
        active = false;
        releaseBuffers();
        tunnel.sideClosed(this);
    }

    private void releaseBuffers() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} side of tunnel {} failed: {}", client ? "client" : "origin", tunnel.rayId(), cause.toString());
        ctx.close();
    }

    /** Stops the flow toward the peer when it is gone and closes this side once it is done. */
    void closeAfterFlush() {
        if (active) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
    }

    String name() {
        return client ? "client" : "origin";
    }
}
