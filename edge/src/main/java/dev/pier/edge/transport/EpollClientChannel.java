package dev.pier.edge.transport;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.Native;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A connection accepted by an {@link EpollListenerChannel}, with only the system calls an accepted
 * connection needs. Netty's {@code EpollSocketChannel} also sets {@code TCP_NODELAY} (inherited
 * here from the listener), reads {@code SO_SNDBUF} as it is made (the listener reads it from its
 * first connection and sizes every connection's gathering writes with it) and reads
 * {@code SO_LINGER} as it closes (to close a lingering socket off the loop; Pier never sets the
 * option, so no connection lingers).
 *
 * <p>The socket is added to epoll with its interest in reading already set, because every
 * connection the edge accepts is read from as it opens: {@code Http1Connection} asks for the first
 * read in {@code channelActive}, and the admin listener's connections read automatically. Netty
 * would add the socket without it and set it at that first read, one {@code epoll_ctl} more per
 * connection. Later reads are as the channel's handlers ask ({@code autoRead} off on the proxy
 * listeners).
 *
 * <p>The connection allows no half-closure: the client's end of input closes it, as it does an
 * {@code EpollSocketChannel} unless asked otherwise.
 */
public final class EpollClientChannel extends AbstractEpollStreamChannel {

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
    protected void doRegister(ChannelPromise promise) {
        try {
            setFlag(Native.EPOLLIN); // not registered yet: only the interest set it is registered with
        } catch (IOException e) {
            promise.setFailure(e);
            return;
        }
        super.doRegister(promise);
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

    private static final class Config extends EpollChannelConfig {

        Config(EpollClientChannel channel, long maxBytesPerGatheringWrite) {
            super(channel);
            setMaxBytesPerGatheringWrite(maxBytesPerGatheringWrite);
        }

        @Override
        public <T> T getOption(ChannelOption<T> option) {
            if (option == ChannelOption.TCP_NODELAY) {
                try {
                    @SuppressWarnings("unchecked")
                    T noDelay = (T) Boolean.valueOf(socket().isTcpNoDelay());
                    return noDelay;
                } catch (IOException e) {
                    throw new ChannelException(e);
                }
            }
            return super.getOption(option);
        }
    }
}
