package dev.pier.edge.transport;

import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Socket options shared by client and origin channels. Receive buffers are sized per read
 * ({@link ReceiveBuffers}: an idle connection holds none, a chatty one grows to 64 KiB) and the
 * write water marks bound what a fast side can queue toward a slow one before reading from it stops.
 *
 * <p>Nagle's algorithm is off on every client and origin socket without an option saying so:
 * both transports switch {@code TCP_NODELAY} on as they make a socket channel, and setting it
 * again would be one more system call per connection (EdgeChannelOptionsTest holds them to it).
 */
public final class EdgeChannelOptions {

    public static final RecvByteBufAllocator RECEIVE_BUFFERS = ReceiveBuffers.INSTANCE;
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private EdgeChannelOptions() {
    }
}
