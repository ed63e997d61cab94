package dev.pier.edge.upstream;

import dev.pier.edge.transport.EdgeChannelOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
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

    private final Supplier<Bootstrap> bootstraps;
    private final Supplier<OriginGuard> guard;

    /**
     * @param bootstraps a new bootstrap per connection with its channel type chosen (the transport's
     *                   socket channel; an in-memory channel in tests)
     * @param guard      the addresses refused now (the edge's listeners change as it binds)
     */
    public OriginUpstream(Supplier<Bootstrap> bootstraps, Supplier<OriginGuard> guard) {
        this.bootstraps = bootstraps;
        this.guard = guard;
    }

    @Override
    public UpstreamConnection connect(UpstreamPeer to, Channel client, UpstreamListener listener) {
        if (!(to instanceof OriginPeer peer)) {
            throw new IllegalArgumentException("peer: " + to + " (expected: an origin)");
        }
        OriginConnection origin = new OriginConnection(peer, listener, guard.get());
        ChannelFuture future = bootstraps.get()
                .group(client.eventLoop())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, peer.connectTimeout().toMillis()))
                .option(ChannelOption.RCVBUF_ALLOCATOR, EdgeChannelOptions.RECEIVE_BUFFERS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, EdgeChannelOptions.WATER_MARK)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (peer.tls() != null) {
                            ch.pipeline().addLast("tls", tlsHandler(ch, peer));
                        }
                        ch.pipeline().addLast("traffic", origin.traffic());
                        ch.pipeline().addLast(CODEC, new HttpClientCodec(DECODER.clone(), false, false));
                        ch.pipeline().addLast("origin", origin);
                    }
                })
                .connect(address(peer));
        origin.channel(future.channel());
        if (future.isDone()) {
            // Failed at once (a host name that does not resolve): the listener learns of it once it
            // holds the connection this method returns, not before, when it would not know it.
            client.eventLoop().execute(() -> origin.connectDone(future));
        } else {
            future.addListener(f -> origin.connectDone(future));
        }
        return origin;
    }

    /**
     * An origin named by its address needs no resolver: the address is parsed here, where the
     * bootstrap would hand it to the name resolver on every connection. A host name stays
     * unresolved for the bootstrap's resolver.
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
