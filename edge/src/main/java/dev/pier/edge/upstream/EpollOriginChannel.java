package dev.pier.edge.upstream;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;

/**
 * An origin connection's socket on native epoll, with only the per-connection system calls an
 * origin connection needs. Netty's {@code EpollSocketChannel} also reads {@code SO_SNDBUF} as it
 * is made (to size gathering writes) and {@code SO_LINGER} as it closes (to close a lingering
 * socket off the loop). Pier sets neither option on an origin socket, so every new one has the
 * send buffer the first had, and none lingers. Nagle's algorithm is off, as on every socket
 * channel of Netty's.
 *
 * <p>The socket is added to epoll with its interest in reading already set: {@link OriginConnection}
 * asks for the first read as the connection opens (an origin has nothing to send before it has the
 * request), and Netty would add the socket without it and set it at that first read, one
 * {@code epoll_ctl} more per connection. Later reads are on request only ({@code autoRead} off, as
 * {@link OriginUpstream} sets it). The channel allows no half-closure: the origin's end of input
 * closes it.
 */
final class EpollOriginChannel extends AbstractEpollStreamChannel {

    /**
     * Twice the send buffer of a new TCP socket, read from the first one made: where gathering
     * writes start, as Netty's channels start; Netty then adjusts it per connection.
     */
    private static volatile long maxBytesPerGatheringWrite;

    private final Config config;

    /** A new socket of {@code family}: IPv4 or IPv6, or dual-stack IPv6 when null (for a host name not resolved yet). */
    EpollOriginChannel(SocketProtocolFamily family) {
        super(family == null ? LinuxSocket.newSocketStream() : LinuxSocket.newSocketStream(family), false);
        config = new Config(this);
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

    private static final class Config extends EpollChannelConfig {

        Config(EpollOriginChannel channel) {
            super(channel);
            try {
                socket().setTcpNoDelay(true);
                long max = maxBytesPerGatheringWrite;
                if (max == 0) {
                    max = maxBytesPerGatheringWrite = (long) socket().getSendBufferSize() << 1;
                }
                setMaxBytesPerGatheringWrite(max);
            } catch (IOException e) {
                throw new ChannelException(e);
            }
        }

        @Override
        public <T> T getOption(ChannelOption<T> option) {
            try {
                if (option == ChannelOption.TCP_NODELAY) {
                    @SuppressWarnings("unchecked")
                    T noDelay = (T) Boolean.valueOf(socket().isTcpNoDelay());
                    return noDelay;
                }
                if (option == ChannelOption.SO_SNDBUF) {
                    @SuppressWarnings("unchecked")
                    T sendBuffer = (T) Integer.valueOf(socket().getSendBufferSize());
                    return sendBuffer;
                }
            } catch (IOException e) {
                throw new ChannelException(e);
            }
            return super.getOption(option);
        }
    }
}
