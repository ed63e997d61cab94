package dev.pier.edge.upstream;

import dev.pier.edge.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.spi.SelectorProvider;

/**
 * How origin channels are made: a new, unregistered channel per connection and the resolver for
 * origins named by a host name. {@link OriginUpstream} configures and registers the channel
 * itself, so nothing here is built per connection but the channel.
 */
public interface OriginChannels {

    /**
     * A new unregistered channel for a connection to {@code remote}: a resolved address or an
     * unresolved host name.
     */
    Channel newChannel(SocketAddress remote);

    /** Resolves the unresolved addresses that {@link #newChannel} is given, on the connection's loop. */
    AddressResolverGroup<? extends SocketAddress> resolver();

    /**
     * The transport's socket channels. An IPv4 address gets an IPv4 socket: a dual-stack socket
     * (what a host name gets, not knowing its family yet) costs one more system call to make, the
     * {@code IPV6_V6ONLY} option switched off. On epoll the channel is an {@link EpollOriginChannel},
     * which reads no socket option back per connection. Host names are resolved as the JDK resolves them.
     */
    static OriginChannels of(Transport transport) {
        SelectorProvider selectors = SelectorProvider.provider();
        return new OriginChannels() {
            @Override
            public Channel newChannel(SocketAddress remote) {
                SocketProtocolFamily family = remote instanceof InetSocketAddress a && a.getAddress() instanceof Inet4Address
                        ? SocketProtocolFamily.INET : null;
                return switch (transport) {
                    case IO_URING -> new IoUringSocketChannel();
                    case EPOLL -> new EpollOriginChannel(family);
                    case NIO -> family == null ? new NioSocketChannel(selectors) : new NioSocketChannel(selectors, family);
                };
            }

            @Override
            public AddressResolverGroup<? extends SocketAddress> resolver() {
                return DefaultAddressResolverGroup.INSTANCE;
            }
        };
    }
}
