package dev.pier.edge.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.StandardSocketOptions;
import java.util.Locale;

/**
 * The I/O transport: native epoll (edge-triggered) when the native library loads, NIO
 * otherwise. {@code -Dpier.transport=io_uring|epoll|nio} asks for one; one that cannot run
 * here falls back to the next in that order, and the edge's log says which runs.
 *
 * <p>On epoll, listeners accept {@link EpollClientChannel}s, which make fewer system calls per
 * connection than Netty's socket channels. {@link #socketChannel()} is what the edge connects
 * out with (origin connections are made as {@code OriginChannels} makes them).
 */
public enum Transport {
    IO_URING(IoUringServerSocketChannel.class, IoUringSocketChannel.class),
    EPOLL(EpollListenerChannel.class, EpollSocketChannel.class),
    NIO(NioServerSocketChannel.class, NioSocketChannel.class);

    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;

    Transport(Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> socketChannel) {
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    /** The transport {@code -Dpier.transport} asks for, or epoll, whichever is the first here that runs. */
    public static Transport best() {
        return best(System.getProperty("pier.transport", "epoll"));
    }

    /**
     * The first transport from {@code wanted} down (io_uring, epoll, NIO) that runs here.
     *
     * @throws IllegalArgumentException when {@code wanted} names no transport
     */
    static Transport best(String wanted) {
        Transport first = switch (wanted.toLowerCase(Locale.ROOT)) {
            case "io_uring", "iouring", "io-uring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException("pier.transport: " + wanted + " (expected: io_uring, epoll or nio)");
        };
        for (Transport transport : values()) {
            if (transport.ordinal() >= first.ordinal() && transport.available()) {
                return transport;
            }
        }
        return NIO;
    }

    /** Whether this transport's native library loads and the kernel lets it run. */
    public boolean available() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    public EventLoopGroup newGroup(int threads) {
        IoHandlerFactory factory = switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, factory);
    }

    /**
     * Lets several processes listen on one port (SO_REUSEPORT), which is how a new Pier takes
     * over from a running one without refusing a connection.
     */
    public void reusePort(ServerBootstrap bootstrap) {
        switch (this) {
            case IO_URING -> bootstrap.option(IoUringChannelOption.SO_REUSEPORT, true);
            case EPOLL -> bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
            case NIO -> bootstrap.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
        }
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }
}
