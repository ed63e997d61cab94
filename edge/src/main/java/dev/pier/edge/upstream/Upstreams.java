package dev.pier.edge.upstream;

import io.netty.channel.Channel;

/** Every kind of upstream a node has, each taking the peers of its kind: origins, Workers. */
public final class Upstreams implements Upstream {

    private final Upstream origins;
    private final Upstream workers;

    public Upstreams(Upstream origins, Upstream workers) {
        this.origins = origins;
        this.workers = workers;
    }

    @Override
    public UpstreamConnection connect(UpstreamPeer peer, Channel client, UpstreamListener listener) {
        return switch (peer) {
            case OriginPeer origin -> origins.connect(origin, client, listener);
            case WorkerPeer worker -> workers.connect(worker, client, listener);
        };
    }
}
