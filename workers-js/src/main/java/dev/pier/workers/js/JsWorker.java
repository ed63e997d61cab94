package dev.pier.workers.js;

import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.graalvm.polyglot.Source;

/**
 * A JavaScript module Worker: its main module's source (parsed once for the engine) and its
 * modules' files, and one {@link JsRealm} per thread that calls it, made on that thread's first
 * request. A Worker runs on its connection's event loop, so each event loop has a context of its
 * own and never waits for another's. The first context is made when the script is deployed, so a
 * script that throws while loading fails the deploy; the first thread to call takes it.
 */
final class JsWorker implements Worker {

    private final String name;
    private final JsLimits limits;
    private final ModuleFiles files;
    private final Source mainSource;
    /**
     * Each calling thread's context. A map the script owns (not a ThreadLocal, whose values the
     * event loops would keep after a deploy replaced the script) and reads without a lock.
     */
    private final Map<Thread, JsRealm> realms = new ConcurrentHashMap<>();
    private final AtomicReference<JsRealm> spare = new AtomicReference<>();

    JsWorker(String name, Path mainModule, JsLimits limits) throws IOException {
        this.name = name;
        this.limits = limits;
        Path main = mainModule.toAbsolutePath().normalize();
        this.files = new ModuleFiles(main.getParent());
        Path real = main.toRealPath();
        this.mainSource = Source.newBuilder("js", real.toFile())
                .content(new String(files.module(real), StandardCharsets.UTF_8))
                .mimeType("application/javascript+module")
                .build();
        spare.set(new JsRealm(this));
    }

    String name() {
        return name;
    }

    JsLimits limits() {
        return limits;
    }

    ModuleFiles files() {
        return files;
    }

    Source mainSource() {
        return mainSource;
    }

    /**
     * This thread's context: its own, the one made at deploy if no thread took it yet, or a new one
     * (also when the watchdog stopped this thread's last one for breaking a limit).
     */
    JsRealm realm() {
        Thread thread = Thread.currentThread();
        JsRealm realm = realms.get(thread);
        if (realm == null || realm.stopped()) {
            realm = spare.getAndSet(null);
            if (realm == null) {
                realm = new JsRealm(this);
            }
            realms.put(thread, realm);
        }
        return realm;
    }

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        return realm().fetch(request, env, ctx);
    }

    @Override
    public String toString() {
        return "JavaScript Worker " + name + " (" + mainSource.getPath() + ")";
    }
}
