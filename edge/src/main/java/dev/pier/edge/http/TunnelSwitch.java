package dev.pier.edge.http;

import dev.pier.analytics.RequestLogBuilder;
import dev.pier.edge.upstream.ProtocolSwitch;
import dev.pier.edge.upstream.UpstreamConnection;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The switch from HTTP to what follows a 101: the 101 goes to the client, the request's record
 * takes the upgrade's byte counts, and the upstream takes the client connection over (an
 * origin's byte tunnel, a Worker's WebSocket), its handlers put where the HTTP codec was so that
 * bytes the codec still held reach them (see docs/ARCHITECTURE.md, "The tunnel"). From then on
 * the new protocol owns the zone's open-WebSocket count and writes the record when the
 * connection ends.
 */
final class TunnelSwitch {

    private TunnelSwitch() {
    }

    /**
     * @param client     the client connection's handler context (the HTTP handler, which leaves the pipeline)
     * @param countBytes writes the bytes each way so far into the request's record, once the 101 is written
     */
    static void open(ChannelHandlerContext client, RequestContext rc, HttpResponse response, UpstreamConnection upstream,
                     RequestPhases phases, Runnable countBytes) {
        rc.response = RequestContext.Response.COMPLETE;
        RequestLogBuilder log = rc.log;
        log.webSocket(true);
        log.edgeResponseStatus(101);
        rc.usage.upgrade();
        rc.webSocketSlot = false; // the new protocol owns the open-connection count from here on

        phases.upstreamResponse(rc, response);
        phases.response(rc, response);
        client.write(response, client.voidPromise());
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, client.voidPromise());
        countBytes.run();
        log.pack(); // the record now lives as long as the connection; no other thread has seen it yet

        ProtocolSwitch.Result next = upstream.switchProtocols(new ProtocolSwitch(client.channel(), rc.request, response, log, rc.usage,
                rc.settings(), rc.snapshot.config().timeouts().closeGrace(), rc));
        ChannelPipeline pipeline = client.pipeline();
        String after = Http1Connection.CODEC;
        for (ChannelHandler handler : next.clientHandlers()) {
            String name = "upgraded-" + handler.getClass().getSimpleName();
            pipeline.addAfter(after, name, handler);
            after = name;
        }
        pipeline.remove(client.handler());
        pipeline.remove(ClientChannelInitializer.BYTE_COUNTER);
        pipeline.remove(Http1Connection.CODEC);
        next.start().run();
        rc.handshakeDone(); // the context is the record's sink for as long as the connection lives
    }
}
