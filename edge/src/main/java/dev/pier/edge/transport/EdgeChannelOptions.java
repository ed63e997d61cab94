package dev.pier.edge.transport;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Socket options shared by client and origin channels. Receive buffers start small (an idle
 * connection holds none, a chatty one grows to 64 KiB) and the write water marks bound what
 * a fast side can queue toward a slow one before reading from it stops.
 *
 * <p>Nagle's algorithm is off on every client and origin socket without an option saying so:
 * Netty's socket channels switch {@code TCP_NODELAY} on as they are made (EdgeChannelOptionsTest
 * holds them to it), and so do the edge's own epoll channels, an origin socket as it is made and
 * a client socket by inheriting it from its listener ({@link EpollListenerChannel}). Setting it
 * again would be one more system call per connection.
 */
public final class EdgeChannelOptions {

    public static final RecvByteBufAllocator RECEIVE_BUFFERS = new AdaptiveRecvByteBufAllocator(64, 2048, 64 * 1024);
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private EdgeChannelOptions() {
    }
}
