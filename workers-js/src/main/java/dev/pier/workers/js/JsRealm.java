package dev.pier.workers.js;

import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * One GraalJS context of a script: the JavaScript runtime's globals ({@code runtime/*.js}), then
 * the script's main module, whose default export serves requests. A context runs one thread at a
 * time: every call into it takes its lock (uncontended on the thread it belongs to; a Java stage
 * that completes elsewhere waits its turn). After each call GraalJS runs the promise jobs it left,
 * so an {@code await} that can go on goes on before the call returns.
 */
final class JsRealm {

    /** The name every runtime file's source starts with; a script's own files never do. */
    static final String RUNTIME_PREFIX = "pier:runtime/";

    /**
     * The runtime, in order: each file is the body of {@code function (bridge, internal)}, defines
     * its globals on {@code globalThis} and shares what the later files need on {@code internal}.
     * A new Web API is one more file here.
     */
    private static final List<String> RUNTIME = List.of("internal.js", "events.js", "headers.js", "url.js", "body.js",
            "websocket.js", "worker.js", "objects.js");
    private static final List<Source> RUNTIME_SOURCES = runtimeSources();

    /** Only the bridge's exported methods, and buffers (an ArrayBuffer over a Java ByteBuffer, no copy). */
    private static final HostAccess HOST_ACCESS = HostAccess.newBuilder(HostAccess.EXPLICIT)
            .allowBufferAccess(true)
            .allowArrayAccess(true)
            .build();

    private final ReentrantLock lock = new ReentrantLock();
    private final Context context;
    private final Value handler;
    private final Value dispatchFetch;
    private final Value makeEnv;
    private final Value promiseConstructor;
    /** What the runtime files share, and what the main module exports (its Durable Object classes). */
    private final Value internal;
    private final Value exports;
    /** The Java bindings the JavaScript {@code env} was made from, and that env (made again only when they change). */
    private Env envFrom;
    private Value env;

    JsRealm(JsWorker script) {
        JsBridge bridge = new JsBridge(this, script.name());
        context = Context.newBuilder("js")
                .engine(JsEngine.engine())
                .allowIO(IOAccess.newBuilder().fileSystem(new BuiltinModules(script.files())).build())
                .allowHostAccess(HOST_ACCESS)
                .option("js.esm-eval-returns-exports", "true")
                .option("js.text-encoding", "true")
                .option("js.console", "false")
                .option("js.print", "false")
                .option("js.load", "false")
                .option("js.graal-builtin", "false")
                .build();
        lock.lock();
        try {
            internal = context.eval("js", "({})");
            for (Source runtime : RUNTIME_SOURCES) {
                context.eval(runtime).executeVoid(bridge, internal);
            }
            dispatchFetch = internal.getMember("dispatchFetch");
            makeEnv = internal.getMember("makeEnv");
            promiseConstructor = context.getBindings("js").getMember("Promise");
            try {
                exports = context.eval(script.mainSource());
            } catch (PolyglotException e) {
                throw ScriptError.of("the main module failed to load: ", e);
            }
            handler = exports.getMember("default");
            if (handler == null || handler.isNull() || !handler.hasMember("fetch") || !handler.getMember("fetch").canExecute()) {
                throw new ScriptError(script.mainSource().getName() + ": no default export with a fetch method (expected: export default "
                        + "{ async fetch(request, env, ctx) { ... } })");
            }
        } catch (RuntimeException e) {
            lock.unlock();
            context.close();
            throw e;
        }
        lock.unlock();
    }

    /** A member of what the runtime files share ({@code internal.constructObject}, ...). */
    Value internal(String member) {
        return internal.getMember(member);
    }

    /** What the main module exports as {@code name}, or null. */
    Value exported(String name) {
        return exports.getMember(name);
    }

    /** Runs {@code action} in this context, on the calling thread, holding the context's lock. */
    void run(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Calls {@code function} with {@code args} in this context (an event for the script, from Java).
     *
     * @throws ScriptError when the script's code threw, with its message and where
     */
    void call(Value function, Object... args) {
        lock.lock();
        try {
            function.executeVoid(args);
        } catch (PolyglotException e) {
            throw ScriptError.of("", e);
        } finally {
            lock.unlock();
        }
    }

    /** Calls the script's {@code fetch}; the answer completes when its promise settles. */
    CompletableFuture<Response> fetch(Request request, Env bindings, ExecutionContext ctx) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        lock.lock();
        try {
            dispatchFetch.executeVoid(handler, request, env(bindings), ctx, answer);
        } catch (PolyglotException e) {
            answer.completeExceptionally(ScriptError.of("", e));
        } finally {
            lock.unlock();
        }
        return answer;
    }

    /**
     * A JavaScript promise that settles as {@code stage} completes: with its value (as GraalJS
     * passes a Java value in), or rejected with an Error whose message is the failure's. Call it
     * in this context (holding the lock); the promise settles in a later call into this context,
     * from whatever thread the stage completes on.
     */
    Value promise(CompletionStage<?> stage) {
        Value[] settle = new Value[2];
        Value promise = promiseConstructor.newInstance((ProxyExecutable) args -> {
            settle[0] = args[0];
            settle[1] = args[1];
            return null;
        });
        stage.whenComplete((value, failure) -> run(() -> {
            if (failure == null) {
                settle[0].executeVoid(value);
            } else {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                settle[1].executeVoid(context.getBindings("js").getMember("Error").newInstance(String.valueOf(cause.getMessage())));
            }
        }));
        return promise;
    }

    /** Evaluates a script in this context (holding the lock): for tests and for what runs beside a Worker's code. */
    Value eval(String name, String code) {
        lock.lock();
        try {
            return context.eval(Source.newBuilder("js", code, name).buildLiteral());
        } finally {
            lock.unlock();
        }
    }

    /** The JavaScript env of {@code bindings}: text vars and Durable Object namespaces. Call it holding the lock. */
    Value env(Env bindings) {
        if (bindings != envFrom) {
            List<String> names = new ArrayList<>(bindings.names());
            List<String> values = new ArrayList<>(names.size());
            Object[] namespaces = new Object[names.size()];
            for (int i = 0; i < names.size(); i++) {
                values.add(bindings.var(names.get(i)));
                namespaces[i] = bindings.durableObject(names.get(i));
            }
            env = makeEnv.execute(names.toArray(String[]::new), values.toArray(String[]::new), namespaces);
            envFrom = bindings;
        }
        return env;
    }

    void close() {
        lock.lock();
        try {
            context.close();
        } finally {
            lock.unlock();
        }
    }

    private static List<Source> runtimeSources() {
        List<Source> sources = new ArrayList<>();
        for (String file : RUNTIME) {
            try (InputStream in = JsRealm.class.getResourceAsStream("runtime/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("runtime/" + file + " is missing from the classpath");
                }
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                sources.add(Source.newBuilder("js", "(function (bridge, internal) {'use strict';\n" + body + "\n})",
                        RUNTIME_PREFIX + file).buildLiteral());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(sources);
    }
}
