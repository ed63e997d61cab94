package dev.pier.cli.control;

import dev.pier.config.WorkerScript;
import dev.pier.workers.Worker;
import dev.pier.workers.js.JsWorkers;
import dev.pier.workers.runtime.ScriptLoader;

/** The JavaScript runtime as the tests' nodes load a {@code main_module} script: through {@link JsWorkers}. */
final class JavaScriptLoader implements ScriptLoader {

    @Override
    public boolean loads(WorkerScript script) {
        return script.isJavaScript();
    }

    @Override
    public Worker load(WorkerScript script) throws Exception {
        return JsWorkers.load(script.name(), script.mainModule());
    }

    @Override
    public String stamp(WorkerScript script) {
        return JsWorkers.stamp(script.mainModule());
    }
}
