package dev.pier.edge.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.AbstractEpollServerChannel;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.unix.NativeInetAddress;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A listening socket on native epoll whose connections are {@link EpollClientChannel}s. The
 * listening socket has Nagle's algorithm off, which every connection it accepts inherits (Linux
 * copies {@code TCP_NODELAY} to the accepted socket), so a connection sets no option as it opens.
 *
 * <p>Options: {@code SO_BACKLOG}, {@code SO_REUSEADDR} (on unless switched off) and
 * {@code SO_REUSEPORT}, what the edge's listeners set; the rest of a channel's settings as every
 * channel has them.
 */
public final class EpollListenerChannel extends AbstractEpollServerChannel {

    private final Config config;
    /** Where its connections' gathering writes start, from the first connection accepted. */
    private final EdgeEpollChannel.GatheringWrites gatheringWrites = new EdgeEpollChannel.GatheringWrites();

    public EpollListenerChannel() {
        super(LinuxSocket.newSocketStream(), false);
        config = new Config(this);
        try {
            socket.setReuseAddress(true); // as a listener of the JDK's and Netty's has it
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public EpollChannelConfig config() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        socket.listen(config.backlog);
        active = true;
    }

    @Override
    protected Channel newChildChannel(int fd, byte[] address, int offset, int len) throws Exception {
        LinuxSocket accepted = LinuxSocket.newSocket(fd);
        return new EpollClientChannel(this, accepted, NativeInetAddress.address(address, offset, len), gatheringWrites.start(accepted));
    }

    private static final class Config extends EpollChannelConfig {

        private volatile int backlog = NetUtil.SOMAXCONN;

        Config(EpollListenerChannel channel) {
            super(channel, new ServerChannelRecvByteBufAllocator());
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getOption(ChannelOption<T> option) {
            try {
                if (option == ChannelOption.SO_BACKLOG) {
                    return (T) Integer.valueOf(backlog);
                }
                if (option == ChannelOption.SO_REUSEADDR) {
                    return (T) Boolean.valueOf(socket().isReuseAddress());
                }
                if (option == EpollChannelOption.SO_REUSEPORT) {
                    return (T) Boolean.valueOf(socket().isReusePort());
                }
                if (option == ChannelOption.TCP_NODELAY) {
                    return (T) Boolean.valueOf(socket().isTcpNoDelay());
                }
            } catch (IOException e) {
                throw new ChannelException(e);
            }
            return super.getOption(option);
        }

        @Override
        public <T> boolean setOption(ChannelOption<T> option, T value) {
            validate(option, value);
            try {
                if (option == ChannelOption.SO_BACKLOG) {
                    int wanted = (Integer) value;
                    if (wanted < 0) {
                        throw new IllegalArgumentException("SO_BACKLOG: " + wanted + " (expected: >= 0)");
                    }
                    backlog = wanted;
                } else if (option == ChannelOption.SO_REUSEADDR) {
                    socket().setReuseAddress((Boolean) value);
                } else if (option == EpollChannelOption.SO_REUSEPORT) {
                    socket().setReusePort((Boolean) value);
                } else {
                    return super.setOption(option, value);
                }
            } catch (IOException e) {
                throw new ChannelException(e);
            }
            return true;
        }
    }
}
