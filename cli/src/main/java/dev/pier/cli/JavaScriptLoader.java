package dev.pier.cli;

import dev.pier.config.WorkerLimits;
import dev.pier.config.WorkerScript;
import dev.pier.workers.Worker;
import dev.pier.workers.js.JsLimits;
import dev.pier.workers.js.JsWorkers;
import dev.pier.workers.runtime.ScriptLoader;

/** The runtime's loader for JavaScript Workers ({@code main_module}): GraalJS, from {@code workers-js}. */
public final class JavaScriptLoader implements ScriptLoader {

    @Override
    public boolean loads(WorkerScript script) {
        return script.isJavaScript();
    }

    @Override
    public Worker load(WorkerScript script) throws Exception {
        WorkerLimits limits = script.limits();
        return JsWorkers.load(script.name(), script.mainModule(), new JsLimits(limits.cpuMs(), limits.memoryBytes(), limits.subrequests()));
    }

    @Override
    public String stamp(WorkerScript script) {
        return JsWorkers.stamp(script.mainModule());
    }
}
