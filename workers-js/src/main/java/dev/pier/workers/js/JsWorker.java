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
import org.graalvm.polyglot.Value;

/**
 * A JavaScript module Worker: its main module's source (parsed once for the engine) and its
 * modules' files, and one {@link JsRealm} per thread that calls it, made on that thread's first
 * request. A Worker runs on its connection's event loop, so each event loop has a context of its
 * own and never waits for another's. The first context is made when the script is deployed, so a
 * script that throws while loading fails the deploy; the first thread to call takes it.
 */
final class JsWorker implements Worker, dev.pier.workers.host.ObjectClasses {

    private final String name;
    private final JsLimits limits;
    private final ModuleFiles files;
    /** What every context of the script reads its modules through: one for all, as it holds nothing of a context's. */
    private final BuiltinModules modules;
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
        this.modules = new BuiltinModules(files);
        Path real = main.toRealPath();
        this.mainSource = Source.newBuilder("js", real.toFile())
                .content(new String(files.module(real), StandardCharsets.UTF_8))
                .mimeType("application/javascript+module")
                .build();
        spare.set(new JsRealm(this));
    }

    /**
     * The contexts Durable Object instances run in, made on first use: each instance is bound to
     * one for its life (its events run on the object's own thread, and call into that context under
     * its lock); instances are spread over them in turn. Several objects share a context as on
     * Cloudflare they share an isolate.
     */
    private final JsRealm[] objectRealms = new JsRealm[Math.max(2, Runtime.getRuntime().availableProcessors())];
    private final java.util.concurrent.atomic.AtomicInteger nextObjectRealm = new java.util.concurrent.atomic.AtomicInteger();

    String name() {
        return name;
    }

    /** The context the next Durable Object instance is bound to: a fresh one where a limit stopped the one before. */
    JsRealm objectRealm() {
        int i = Math.floorMod(nextObjectRealm.getAndIncrement(), objectRealms.length);
        synchronized (objectRealms) {
            if (objectRealms[i] == null || objectRealms[i].stopped()) {
                objectRealms[i] = new JsRealm(this);
            }
            return objectRealms[i];
        }
    }

    @Override
    public dev.pier.workers.host.DurableObjectClass objectClass(String exportName) {
        JsRealm spareRealm = spare.get();
        JsRealm realm = spareRealm != null ? spareRealm : objectRealm();
        boolean[] isClass = new boolean[1];
        realm.run(() -> {
            Value exported = realm.exported(exportName);
            isClass[0] = exported != null && exported.canInstantiate();
        });
        if (!isClass[0]) {
            throw new IllegalArgumentException("durable_objects: class " + exportName + " (expected: a class the main module "
                    + mainSource.getName() + " exports, export class " + exportName + " { ... })");
        }
        return new JsObjectClass(this, exportName);
    }

    JsLimits limits() {
        return limits;
    }

    BuiltinModules modules() {
        return modules;
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

    /** A JavaScript Worker reads {@code request.body} as the client sends it, as on Cloudflare. */
    @Override
    public boolean streamsRequestBodies() {
        return true;
    }

    @Override
    public String toString() {
        return "JavaScript Worker " + name + " (" + mainSource.getPath() + ")";
    }
}
