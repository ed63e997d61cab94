package dev.pier.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline of a new client connection: a byte counter next to the socket, the HTTP/1.1
 * codec with the edge's head limits, and the {@link ProxyHandler}. All three leave at an
 * upgrade, when the tunnel takes the connection over.
 */
public final class ClientChannelInitializer extends ChannelInitializer<Channel> {

    /** The URI limit is checked exactly by the proxy; the line may carry method and version too. */
    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(ProxyHandler.MAX_URI_LENGTH + 64)
            .setMaxHeaderSize(32 * 1024)
            .setMaxChunkSize(64 * 1024);

    private final EdgeContext edge;
    private final String scheme;

    public ClientChannelInitializer(EdgeContext edge, String scheme) {
        this.edge = edge;
        this.scheme = scheme;
    }

    @Override
    protected void initChannel(Channel ch) {
        edge.clients().add(ch);
        TrafficCounter traffic = new TrafficCounter();
        ch.pipeline()
                .addLast("traffic", traffic)
                .addLast(ProxyHandler.CODEC, new HttpServerCodec(DECODER.clone()))
                .addLast("proxy", new ProxyHandler(edge, scheme, traffic));
    }
}
