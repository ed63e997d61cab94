package dev.pier.edge.upstream;

import dev.pier.analytics.RequestLogBuilder;
import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.ZoneUsage;
import dev.pier.config.ZoneSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A 101 went to the client: what an {@link UpstreamConnection} needs to take the client
 * connection over, and what it gives back.
 *
 * @param client     the client's channel (its HTTP handlers leave once the new ones are in)
 * @param request    the upgrade request as the upstream got it
 * @param response   the 101 as the client got it
 * @param record     the request's record, which the new protocol completes and hands to {@code logging} once
 * @param usage      the zone's usage; one open WebSocket is counted for this connection from now on
 * @param settings   the zone's settings (idle timeout, keepalive, message size)
 * @param closeGrace how long a close handshake may take
 * @param logging    where the finished record goes
 */
public record ProtocolSwitch(Channel client, HttpRequest request, HttpResponse response, RequestLogBuilder record, ZoneUsage usage,
                             ZoneSettings settings, Duration closeGrace, RequestLogSink logging) {

    /**
     * What the client connection becomes.
     *
     * @param clientHandlers the handlers that take the client's bytes over, in pipeline order, put where the HTTP codec was
     * @param start          runs once they are in place
     */
    public record Result(List<ChannelHandler> clientHandlers, Runnable start) {
    }
}
