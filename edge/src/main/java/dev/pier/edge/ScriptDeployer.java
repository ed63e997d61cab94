package dev.pier.edge;

import dev.pier.config.PierConfig;
import dev.pier.workers.Fetch;
import dev.pier.workers.host.Scripts;

/**
 * The Workers runtime, as the edge sees it: deploys the scripts a configuration names (loading
 * new code, keeping what did not change) and returns what serves them. The edge calls it before
 * it applies each configuration, so a route never names a script that is not deployed yet.
 */
@FunctionalInterface
public interface ScriptDeployer {

    /** No runtime: Worker routes answer 503 (the node runs no Workers). */
    ScriptDeployer NONE = config -> Scripts.NONE;

    /**
     * @throws IllegalArgumentException when a script of the first configuration cannot be
     *         deployed (a later one keeps serving the code deployed before)
     */
    Scripts deploy(PierConfig config);

    /**
     * The edge's own fetch, on its event loops: the runtime sends with it the requests for Durable
     * Objects another node runs. Called once, before the first deploy; a runtime that sends none
     * ignores it.
     */
    default void nodeFetch(Fetch.Host fetch) {
    }
}
