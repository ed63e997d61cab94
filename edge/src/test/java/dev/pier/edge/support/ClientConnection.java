package dev.pier.edge.support;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An {@link EmbeddedChannel} with the addresses of a TCP connection from 127.0.0.1 to the
 * edge's port 80, as the client pipeline gets them from a real socket (the request log and the
 * forwarding headers name the client's address).
 */
public final class ClientConnection extends EmbeddedChannel {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress EDGE = new InetSocketAddress("127.0.0.1", 80);

    public ClientConnection(ChannelHandler initializer) {
        super(initializer);
    }

    @Override
    protected SocketAddress localAddress0() {
        return isActive() ? EDGE : null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return isActive() ? CLIENT : null;
    }
}
