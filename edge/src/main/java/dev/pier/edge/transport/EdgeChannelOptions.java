package dev.pier.edge.transport;

import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Socket options shared by client and origin channels. Receive buffers are sized per read
 * ({@link ReceiveBuffers}: an idle connection holds none) and grow to 256 KiB for a stream of
 * large messages: one read then takes a whole 64 KiB frame with its header, where a 64 KiB
 * ceiling needed a second read for the frame's last bytes, and a second write
 * (docs/BENCHMARKS.md, "Issue 15: large messages"). The write water marks bound what a fast side
 * can queue toward a slow one before reading from it stops; the high mark is twice the largest
 * read, so that one full read alone never stops reading.
 *
 * <p>Nagle's algorithm is off on every client and origin socket without an option saying so:
 * Netty's socket channels switch {@code TCP_NODELAY} on as they are made (EdgeChannelOptionsTest
 * holds them to it), and so do the edge's own epoll channels, an origin socket as it is made and
 * a client socket by inheriting it from its listener ({@link EpollListenerChannel}). Setting it
 * again would be one more system call per connection.
 */
public final class EdgeChannelOptions {

    public static final RecvByteBufAllocator RECEIVE_BUFFERS = ReceiveBuffers.INSTANCE;
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 512 * 1024);

    private EdgeChannelOptions() {
    }
}
