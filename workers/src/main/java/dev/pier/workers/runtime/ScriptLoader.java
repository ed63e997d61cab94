package dev.pier.workers.runtime;

import dev.pier.config.WorkerScript;
import dev.pier.workers.Worker;

/**
 * Turns a script's code in another language than Java into a {@link Worker}: the runtime asks the
 * loaders it was given, in order, for each script that is not a Java class ({@code main_module}:
 * JavaScript). The node wires the loaders it has (the JavaScript one lives in {@code workers-js},
 * which the runtime does not depend on).
 */
public interface ScriptLoader {

    /** Whether this loader runs {@code script}'s code. */
    boolean loads(WorkerScript script);

    /**
     * The script's code, loaded and ready to serve: evaluated once, so that a script that cannot
     * run fails here, with its message and where.
     *
     * @throws Exception why the code cannot run; the deploy fails (the first) or keeps the code deployed before
     */
    Worker load(WorkerScript script) throws Exception;

    /**
     * What tells one version of the script's files from the next (a changed stamp deploys the code
     * anew even when the configuration is the same).
     */
    String stamp(WorkerScript script);
}
