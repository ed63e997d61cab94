package dev.pier.cli;

import dev.pier.config.PierConfig;
import dev.pier.edge.ScriptDeployer;
import dev.pier.workers.Fetch;
import dev.pier.workers.host.Scripts;
import dev.pier.workers.runtime.WorkerRuntime;

/**
 * The Workers runtime as an edge's deployer: each configuration's scripts and Durable Objects, and
 * the edge's own fetch for the requests the runtime sends to the other nodes.
 */
public final class RuntimeDeployer implements ScriptDeployer {

    private final WorkerRuntime runtime;

    public RuntimeDeployer(WorkerRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Scripts deploy(PierConfig config) {
        return runtime.deploy(config.workers(), config.durableObjects());
    }

    @Override
    public void nodeFetch(Fetch.Host fetch) {
        runtime.nodeFetch(fetch);
    }
}
