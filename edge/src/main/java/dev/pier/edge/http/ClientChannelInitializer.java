package dev.pier.edge.http;

import dev.pier.edge.transport.ByteCounter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import javax.net.ssl.SSLException;

/**
 * The pipeline of a new client connection: TLS with the certificate SNI asks for (on TLS
 * listeners), a byte counter below the HTTP codec, the HTTP/1.1
 * codec with the edge's head limits, and the {@link Http1Connection} that runs the edge's
 * {@link EdgePhases} for each request. All three leave at an upgrade, when the tunnel takes the
 * connection over.
 */
public final class ClientChannelInitializer extends ChannelInitializer<Channel> {

    /** The URI limit is checked exactly by the proxy; the line may carry method and version too. */
    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(RequestHeadCheck.MAX_URI_LENGTH + 64)
            .setMaxHeaderSize(32 * 1024)
            .setMaxChunkSize(64 * 1024);

    /** The name of the connection's byte counter while it speaks HTTP. */
    static final String BYTE_COUNTER = "traffic";

    private final EdgeContext edge;
    private final RequestPhases phases;
    private final boolean tls;
    /** Chooses the certificate by SNI, from the snapshot current when the handshake starts. */
    private final Mapping<String, SslContext> certificates;

    public ClientChannelInitializer(EdgeContext edge, boolean tls) {
        this.edge = edge;
        this.phases = new EdgePhases(edge);
        this.tls = tls;
        this.certificates = host -> {
            try {
                return edge.snapshot().tls().forSni(host);
            } catch (SSLException e) {
                throw new IllegalStateException(e.getMessage(), e); // fails the handshake
            }
        };
    }

    @Override
    protected void initChannel(Channel ch) {
        edge.clients().add(ch);
        if (tls) {
            ch.pipeline().addLast("tls", new SniHandler(certificates));
        }
        ByteCounter traffic = new ByteCounter();
        ch.pipeline()
                .addLast(BYTE_COUNTER, traffic)
                .addLast(Http1Connection.CODEC, new HttpServerCodec(DECODER.clone()))
                .addLast("http1", new Http1Connection(edge, phases, tls ? "https" : "http", traffic));
    }
}
