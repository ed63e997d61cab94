package dev.pier.edge.transport;

import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.LinuxSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A connection accepted by an {@link EpollListenerChannel}: Nagle's algorithm is off by
 * inheritance from the listener (Netty's {@code EpollSocketChannel} sets {@code TCP_NODELAY} on each
 * connection), and gathering writes are sized from the listener's first connection. The rest of
 * what it leaves out of Netty's channel is {@link EdgeEpollChannel}'s.
 */
public final class EpollClientChannel extends EdgeEpollChannel {

    /** {@code IPPROTO_TCP} and {@code TCP_INFO} (linux/tcp.h), and where {@code tcpi_rtt} is in a {@code struct tcp_info}. */
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    private static final int TCPI_RTT = 68;

    private final Config config;

    EpollClientChannel(EpollListenerChannel parent, LinuxSocket fd, InetSocketAddress remote, long maxBytesPerGatheringWrite) {
        super(parent, fd, remote);
        config = new Config(this, maxBytesPerGatheringWrite);
    }

    @Override
    public EpollChannelConfig config() {
        return config;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    /** The kernel's smoothed round-trip time of this connection, in microseconds ({@code tcpi_rtt}). */
    public int tcpRttMicros() {
        ByteBuffer info = ByteBuffer.allocate(TCPI_RTT + Integer.BYTES).order(ByteOrder.nativeOrder());
        try {
            socket.getRawOpt(IPPROTO_TCP, TCP_INFO, info);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return info.getInt(TCPI_RTT);
    }
}
