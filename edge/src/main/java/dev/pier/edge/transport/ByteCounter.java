package dev.pier.edge.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes read from and written to the socket while a connection speaks HTTP; it
 * sits next to the socket so it sees the wire bytes, not the decoded messages. The tunnel
 * counts by itself and this handler leaves the pipeline at the upgrade. The admin listener's
 * connections count with it too.
 */
public final class ByteCounter extends ChannelDuplexHandler {

    private long read;
    private long written;

    public ByteCounter() {
    }

    /** A counter that starts from bytes counted before it was in the pipeline. */
    public ByteCounter(long read, long written) {
        this.read = read;
        this.written = written;
    }

    /** Bytes read from the socket so far. */
    public long read() {
        return read;
    }

    /** Bytes written toward the socket so far. */
    public long written() {
        return written;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            read += buf.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            written += buf.readableBytes();
        }
        ctx.write(msg, promise);
    }
}
