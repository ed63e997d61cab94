package dev.pier.edge.http;

import dev.pier.analytics.RequestLogBuilder;
import dev.pier.edge.transport.ByteCounter;
import dev.pier.edge.tunnel.Extensions;
import dev.pier.edge.tunnel.Tunnel;
import dev.pier.edge.upstream.UpstreamConnection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The switch from HTTP to a WebSocket tunnel, once the upstream answered a valid handshake with
 * 101: the 101 goes to the client, the request's record takes the upgrade's byte counts, and on
 * both connections a tunnel handler replaces the HTTP codec (the upstream's first, so bytes it
 * sent with its 101 are kept; see docs/ARCHITECTURE.md, "The tunnel"). From then on the tunnel
 * owns the zone's open-WebSocket count and writes the record when both sides have closed.
 */
final class TunnelSwitch {

    private TunnelSwitch() {
    }

    /**
     * @param client       the client connection's handler context (the HTTP handler, which leaves the pipeline)
     * @param countBytes   writes the bytes each way so far into the request's record, once the 101 is written
     */
    static void open(ChannelHandlerContext client, RequestContext rc, HttpResponse response, UpstreamConnection upstream,
                     RequestPhases phases, Runnable countBytes) {
        rc.response = RequestContext.Response.COMPLETE;
        RequestLogBuilder log = rc.log;
        log.webSocket(true);
        log.edgeResponseStatus(101);
        rc.usage.upgrade();
        rc.webSocketSlot = false; // the tunnel owns the open-connection count from here on
        boolean reservedOpcodesAllowed = Extensions.mayDefineOpcodes(
                response.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));

        phases.upstreamResponse(rc, response);
        phases.response(rc, response);
        client.write(response, client.voidPromise());
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, client.voidPromise());
        countBytes.run();
        log.originResponseBytes(upstream.bytesRead());

        Tunnel tunnel = new Tunnel(log, rc.usage, record -> phases.logging(rc, record), rc.settings(),
                rc.snapshot.config().timeouts().closeGrace(), reservedOpcodesAllowed);
        upstream.becomeTunnel(tunnel.originHandler());
        ChannelPipeline pipeline = client.pipeline();
        pipeline.addAfter(Http1Connection.CODEC, "tunnel", tunnel.clientHandler());
        pipeline.remove(client.handler());
        pipeline.remove(ByteCounter.class);
        pipeline.remove(Http1Connection.CODEC);
        tunnel.start();
    }
}
