package dev.pier.edge.upstream;

import dev.pier.edge.transport.EdgeEpollChannel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollChannelConfig;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;

/**
 * An origin connection's socket on native epoll. Nagle's algorithm is off, as on every socket
 * channel of Netty's; gathering writes are sized from the first such socket's send buffer. The rest
 * of what it leaves out of Netty's channel is {@link EdgeEpollChannel}'s: Pier sets no send buffer
 * or linger on an origin socket. Reads are on request only ({@code autoRead} off, as
 * {@link OriginUpstream} sets it), the first as the connection opens ({@link OriginConnection}: an
 * origin has nothing to send before it has the request).
 */
final class EpollOriginChannel extends EdgeEpollChannel {

    /**
     * Twice the send buffer of a new TCP socket, read from the first one made: where gathering
     * writes start, as Netty's channels start; Netty then adjusts it per connection.
     */
    private static volatile long maxBytesPerGatheringWrite;

    private final EpollChannelConfig config;

    /** A new socket of {@code family}: IPv4 or IPv6, or dual-stack IPv6 when null (for a host name not resolved yet). */
    EpollOriginChannel(SocketProtocolFamily family) {
        super(noDelay(family == null ? LinuxSocket.newSocketStream() : LinuxSocket.newSocketStream(family)));
        config = new Config(this, gatheringWriteLimit(socket));
    }

    private static LinuxSocket noDelay(LinuxSocket socket) {
        try {
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw new ChannelException(e);
        }
    }

    private static long gatheringWriteLimit(LinuxSocket socket) {
        long max = maxBytesPerGatheringWrite;
        if (max == 0) {
            try {
                max = maxBytesPerGatheringWrite = (long) socket.getSendBufferSize() << 1;
            } catch (IOException e) {
                throw new ChannelException(e);
            }
        }
        return max;
    }

    @Override
    public EpollChannelConfig config() {
        return config;
    }
}
