package dev.pier.edge.upstream;

import dev.pier.edge.transport.EdgeChannelOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Supplier;
import javax.net.ssl.SSLParameters;

/**
 * A TCP origin: connects on the client channel's event loop (so both halves of a proxied
 * connection share a thread), with TLS when the peer asks for it, behind the {@link OriginGuard}.
 */
public final class OriginUpstream implements Upstream {

    static final String CODEC = "http";

    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(64 * 1024);

    private final Supplier<OriginChannels> channels;
    private final Supplier<OriginGuard> guard;

    /**
     * @param channels how origin channels are made now (the transport's socket channels; channels
     *                 in memory in tests)
     * @param guard    the addresses refused now (the edge's listeners change as it binds)
     */
    public OriginUpstream(Supplier<OriginChannels> channels, Supplier<OriginGuard> guard) {
        this.channels = channels;
        this.guard = guard;
    }

    /**
     * Makes, configures and registers the channel here rather than through a {@code Bootstrap}:
     * a bootstrap per connection would copy its option map, add a {@code ChannelInitializer} that
     * removes itself, and connect in a task of its own on the loop; none of it is needed when the
     * caller is on the loop already.
     */
    @Override
    public UpstreamConnection connect(UpstreamPeer to, Channel client, UpstreamListener listener) {
        if (!(to instanceof OriginPeer peer)) {
            throw new IllegalArgumentException("peer: " + to + " (expected: an origin)");
        }
        OriginConnection origin = new OriginConnection(peer, listener, guard.get());
        OriginChannels made = channels.get();
        SocketAddress remote = address(peer);
        Channel channel = made.newChannel(remote);
        try {
            ChannelConfig config = channel.config();
            config.setAutoRead(false);
            config.setConnectTimeoutMillis(0); // the connection times its connect itself (OriginConnection)
            config.setRecvByteBufAllocator(EdgeChannelOptions.RECEIVE_BUFFERS);
            config.setWriteBufferWaterMark(EdgeChannelOptions.WATER_MARK);
            ChannelPipeline pipeline = channel.pipeline();
            if (peer.tls() != null) {
                pipeline.addLast("tls", tlsHandler(channel, peer));
            }
            pipeline.addLast("traffic", origin.traffic());
            pipeline.addLast(CODEC, new HttpClientCodec(DECODER.clone(), false, false));
            pipeline.addLast("origin", origin);
        } catch (RuntimeException e) {
            channel.unsafe().closeForcibly(); // not registered yet: its socket is all there is to release
            throw e;
        }
        origin.channel(channel);
        EventLoop loop = client.eventLoop();
        ChannelPromise connected = channel.newPromise();
        ChannelFuture registered = loop.register(channel);
        if (registered.isDone()) {
            connectRegistered(registered, remote, made, connected);
        } else {
            registered.addListener(r -> connectRegistered(registered, remote, made, connected));
        }
        if (connected.isDone()) {
            // Failed at once (a host name that does not resolve, a prohibited address) or, to a
            // local origin, connected at once: the listener learns of it once it holds the
            // connection this method returns, not before, when it would not know it.
            loop.execute(() -> origin.connectDone(connected));
        } else {
            connected.addListener(f -> origin.connectDone(connected));
        }
        return origin;
    }

    /** Connects a channel once registered: through the resolver when the address is a host name. */
    private static void connectRegistered(ChannelFuture registered, SocketAddress remote, OriginChannels made, ChannelPromise connected) {
        Channel channel = registered.channel();
        if (!registered.isSuccess()) {
            channel.unsafe().closeForcibly();
            connected.setFailure(registered.cause());
            return;
        }
        AddressResolver<? extends SocketAddress> resolver = made.resolver().getResolver(channel.eventLoop());
        if (!resolver.isSupported(remote) || resolver.isResolved(remote)) {
            connect(channel, remote, connected);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<SocketAddress> resolved = ((AddressResolver<SocketAddress>) resolver).resolve(remote);
        if (resolved.isDone()) {
            connectResolved(channel, resolved, connected);
        } else {
            resolved.addListener(r -> connectResolved(channel, resolved, connected));
        }
    }

    private static void connectResolved(Channel channel, Future<SocketAddress> resolved, ChannelPromise connected) {
        if (resolved.isSuccess()) {
            connect(channel, resolved.getNow(), connected);
        } else {
            channel.close();
            connected.setFailure(resolved.cause());
        }
    }

    private static void connect(Channel channel, SocketAddress remote, ChannelPromise connected) {
        channel.connect(remote, connected).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /**
     * An origin named by its address needs no resolver: the address is parsed here, where the
     * resolver would be asked on every connection. A host name stays unresolved for the resolver.
     */
    private static SocketAddress address(OriginPeer peer) {
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(peer.host());
        return literal != null ? new InetSocketAddress(literal, peer.port()) : InetSocketAddress.createUnresolved(peer.host(), peer.port());
    }

    private static SslHandler tlsHandler(Channel ch, OriginPeer peer) {
        SslHandler handler = peer.tls().newHandler(ch.alloc(), peer.tlsName(), peer.port());
        handler.setHandshakeTimeoutMillis(peer.connectTimeout().toMillis());
        if (peer.strict()) {
            SSLParameters parameters = handler.engine().getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            handler.engine().setSSLParameters(parameters);
        }
        return handler;
    }
}
