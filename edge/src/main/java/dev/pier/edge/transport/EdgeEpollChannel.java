package dev.pier.edge.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.Native;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * A TCP connection of the edge's on native epoll ({@link EpollClientChannel}, and the origin
 * connections of {@code EpollOriginChannel}), with only the per-connection system calls the edge
 * needs. What both leave out of Netty's {@code EpollSocketChannel}: reading {@code SO_SNDBUF} as
 * the channel is made (each subclass sizes gathering writes from one socket read once) and
 * {@code SO_LINGER} as it closes (to close a lingering socket off the loop: the edge sets no
 * linger, so none lingers).
 *
 * <p>The socket is added to epoll with its interest in reading already set, because the edge reads
 * every connection as it opens (the handlers of both sides ask for the first read in
 * {@code channelActive}); Netty would add it without and set it at that first read, one
 * {@code epoll_ctl} more per connection. Later reads are as the channel's handlers ask. The
 * connection allows no half-closure: the peer's end of input closes it.
 */
public abstract class EdgeEpollChannel extends AbstractEpollStreamChannel {

    /** An accepted connection. */
    protected EdgeEpollChannel(Channel parent, LinuxSocket fd, SocketAddress remote) {
        super(parent, fd, remote);
    }

    /** A new socket, not connected yet. */
    protected EdgeEpollChannel(LinuxSocket fd) {
        super(fd, false);
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

    /**
     * Where the gathering writes of a kind of connection start: twice the send buffer of the first
     * such socket, read once (Netty's channels read their own, one {@code getsockopt} per
     * connection, and then adjust it per connection as writes complete or fall short, as they do
     * here).
     */
    public static final class GatheringWrites {

        private volatile long start;

        /** The start for a new connection's {@code socket}; the first call reads its send buffer. */
        public long start(LinuxSocket socket) {
            long bytes = start;
            if (bytes == 0) {
                try {
                    bytes = start = (long) socket.getSendBufferSize() << 1;
                } catch (IOException e) {
                    throw new ChannelException(e);
                }
            }
            return bytes;
        }
    }

    /** The options of an edge connection: Netty's, with Nagle's setting read from the socket. */
    protected static class Config extends EpollChannelConfig {

        public Config(EdgeEpollChannel channel, long maxBytesPerGatheringWrite) {
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
