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

    /** Where origin connections' gathering writes start, from the first origin socket made. */
    private static final GatheringWrites GATHERING_WRITES = new GatheringWrites();

    private final EpollChannelConfig config;

    /** A new socket of {@code family}: IPv4 or IPv6, or dual-stack IPv6 when null (for a host name not resolved yet). */
    EpollOriginChannel(SocketProtocolFamily family) {
        super(noDelay(family == null ? LinuxSocket.newSocketStream() : LinuxSocket.newSocketStream(family)));
        config = new Config(this, GATHERING_WRITES.start(socket));
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

    @Override
    public EpollChannelConfig config() {
        return config;
    }
}
