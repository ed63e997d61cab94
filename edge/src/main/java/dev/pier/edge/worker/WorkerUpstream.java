package dev.pier.edge.worker;

import dev.pier.analytics.UsageRegistry;
import dev.pier.edge.upstream.Upstream;
import dev.pier.edge.upstream.UpstreamConnection;
import dev.pier.edge.upstream.UpstreamListener;
import dev.pier.edge.upstream.UpstreamPeer;
import dev.pier.edge.upstream.WorkerPeer;
import dev.pier.workers.host.Scripts;
import io.netty.channel.Channel;
import java.util.function.Supplier;

/**
 * Workers as an upstream: each request a Worker route takes runs the script's {@code fetch} on
 * the client connection's event loop, and a WebSocket the script accepts is terminated by the
 * edge itself ({@link WorkerSocket}).
 */
public final class WorkerUpstream implements Upstream {

    private final Supplier<Scripts> scripts;
    private final UsageRegistry usage;

    /**
     * @param scripts the scripts deployed now (read at each request: a deploy swaps them)
     * @param usage   where each script's figures are counted
     */
    public WorkerUpstream(Supplier<Scripts> scripts, UsageRegistry usage) {
        this.scripts = scripts;
        this.usage = usage;
    }

    @Override
    public UpstreamConnection connect(UpstreamPeer peer, Channel client, UpstreamListener listener) {
        if (!(peer instanceof WorkerPeer worker)) {
            throw new IllegalArgumentException("peer: " + peer + " (expected: a Worker)");
        }
        WorkerConnection connection = new WorkerConnection(worker, scripts.get().find(worker.script()), usage.worker(worker.script()),
                client, listener);
        client.eventLoop().execute(() -> { // never before this method returned
            connection.markConnected();
            listener.upstreamConnected(connection);
        });
        return connection;
    }
}
