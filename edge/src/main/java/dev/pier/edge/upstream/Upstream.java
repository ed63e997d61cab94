package dev.pier.edge.upstream;

import io.netty.channel.Channel;

/**
 * The edge's side of what a route ends in ({@link dev.pier.config.RouteTarget}): the request
 * phases ask it for a connection to a peer and speak HTTP over it. {@link OriginUpstream}, a TCP
 * origin, is the implementation a node runs; a test plugs in its own.
 */
public interface Upstream {

    /**
     * Starts a connection to {@code peer} for the client on {@code client}, on that client's
     * event loop. The listener hears of the outcome ({@link UpstreamListener#upstreamConnected}
     * or {@link UpstreamListener#upstreamFailed}), never before this method has returned.
     */
    UpstreamConnection connect(UpstreamPeer peer, Channel client, UpstreamListener listener);
}
