package dev.pier.workers.js;

import dev.pier.workers.DurableObjectException;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>The code that runs belongs to an {@link Invocation}, as Cloudflare counts its limits: a request
 * (its {@code fetch} and every later turn of it: what its awaits go on with, the timers it set while
 * it was unanswered), or an event (a WebSocket event, a timer's callback, a Durable Object's
 * event). Every call is watched ({@link CallWatchdog}): an invocation over the script's CPU time or a
 * call over its memory limit is cancelled, and the context with it: the call fails with a
 * {@link ResourceLimitException}, the requests still waiting on this context fail, and the script's
 * next call on this thread gets a fresh context ({@link JsWorker#realm()}).
 */
final class JsRealm {

    /** The name every runtime file's source starts with; a script's own files never do. */
    static final String RUNTIME_PREFIX = "pier:runtime/";

    /**
     * The runtime, in order: each file is the body of {@code function (bridge, internal)}, defines
     * its globals on {@code globalThis} and shares what the later files need on {@code internal}.
     * A new Web API is one more file here.
     */
    private static final List<String> RUNTIME = List.of("internal.js", "events.js", "globals.js", "timers.js", "headers.js", "url.js",
            "streams.js", "blob.js", "body.js", "websocket.js", "fetch.js", "crypto.js", "worker.js", "objects.js", "limits.js");
    private static final List<Source> RUNTIME_SOURCES = runtimeSources();
    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(JsRealm.class);

    /** Only the bridge's exported methods, and buffers (an ArrayBuffer over a Java ByteBuffer, no copy). */
    private static final HostAccess HOST_ACCESS = HostAccess.newBuilder(HostAccess.EXPLICIT)
            .allowBufferAccess(true)
            .allowArrayAccess(true)
            .build();

    private final ReentrantLock lock = new ReentrantLock();
    private final JsLimits limits;
    /** Why the watchdog stopped this context, or null while it runs. */
    private volatile ResourceLimitException stopped;
    private volatile boolean closed;
    /** The answers of the requests and object events this context is still working on: they fail if it is stopped. */
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    /** The Durable Object events this context is still working on: they fail with the limit if it is stopped, which resets their objects. */
    private final Set<CompletableFuture<?>> objectEvents = ConcurrentHashMap.newKeySet();
    /** The invocation the code running now belongs to (its subrequests count against it); null at module scope. */
    private volatile Invocation current;
    /** The invocation of each event: made a new one per event by its generation, without an object per event. */
    private final Invocation event = new Invocation(null, null);
    private final Context context;
    private final Value handler;
    private final Value dispatchFetch;
    private final Value makeEnv;
    private final Value promiseConstructor;
    private final Value remoteError;
    /** What the runtime files share, and what the main module exports (its Durable Object classes). */
    private final Value internal;
    private final Value exports;
    /** The Java bindings the JavaScript {@code env} was made from, and that env (made again only when they change). */
    private Env envFrom;
    private Value env;

    JsRealm(JsWorker script) {
        JsBridge bridge = new JsBridge(this, script.name());
        this.limits = script.limits();
        context = Context.newBuilder("js")
                .engine(JsEngine.engine())
                .allowIO(IOAccess.newBuilder().fileSystem(script.modules()).build())
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
            JsWebApis.install(this, internal);
            for (Source runtime : RUNTIME_SOURCES) {
                context.eval(runtime).executeVoid(bridge, internal);
            }
            dispatchFetch = internal.getMember("dispatchFetch");
            makeEnv = internal.getMember("makeEnv");
            promiseConstructor = context.getBindings("js").getMember("Promise");
            remoteError = internal.getMember("remoteError");
            // the main module's top level is the script's code: watched, so that one that never ends fails the deploy
            CallWatchdog.Slot slot = CallWatchdog.slot();
            JsRealm outer = CallWatchdog.enter(slot, this);
            try {
                exports = context.eval(script.mainSource());
            } catch (PolyglotException e) {
                throw failure("the main module failed to load: ", e);
            } finally {
                leave(slot, outer);
            }
            handler = exports.getMember("default");
            if (handler == null || handler.isNull() || !handler.hasMember("fetch") || !handler.getMember("fetch").canExecute()) {
                throw new ScriptError(script.mainSource().getName() + ": no default export with a fetch method (expected: export default "
                        + "{ async fetch(request, env, ctx) { ... } })");
            }
        } catch (RuntimeException e) {
            lock.unlock();
            context.close(true);
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

    JsLimits limits() {
        return limits;
    }

    /** Whether the watchdog stopped this context: the script's next call needs another. */
    boolean stopped() {
        return stopped != null;
    }

    /**
     * Cancels what runs in this context and closes it, for {@code why} (the watchdog's thread): the
     * running call fails with {@code why}, the other requests waiting on this context fail too.
     */
    void stop(ResourceLimitException why) {
        if (stopped != null) {
            return;
        }
        stopped = why;
        Invocation running = current;
        CompletableFuture<?> charged = running == null ? null : running.answer;
        // close(true) waits until the cancelled call has left the context: not on the watchdog's thread
        Thread.ofVirtual().name("pier-js-stop").start(() -> {
            if (charged != null) {
                charged.completeExceptionally(why); // before the cancel, which the script's own code could otherwise answer first
            }
            try {
                context.close(true);
            } catch (RuntimeException e) {
                logger.warn("Closing a stopped JavaScript context failed", e);
            }
            for (CompletableFuture<?> event : objectEvents) { // first: they are in flight too, and must fail with the limit
                event.completeExceptionally(why); // every object in the context is reset, as Cloudflare resets every object of an isolate it stops
            }
            for (CompletableFuture<?> answer : inFlight) {
                answer.completeExceptionally(answer == charged ? why : new ScriptError("the Worker's context was discarded "
                        + "while this request waited: another call in it broke a limit (" + why.getMessage() + ")"));
            }
        });
    }

    /**
     * Marks the calling thread as out of this context. Cancelling a stopped context interrupts the thread that was in it;
     * that interrupt is cleared as the thread leaves, or the next task on the thread (another script's call, an event loop's
     * work) would see it as its own.
     */
    private void leave(CallWatchdog.Slot slot, JsRealm outer) {
        CallWatchdog.leave(slot, outer);
        if (stopped != null && outer == null) {
            Thread.interrupted();
        }
    }

    /**
     * Fails {@code event} (a Durable Object's, in this context, after the call that began it) with
     * the limit that stops this context, if it is stopped before the event ends: its object is then
     * reset and constructed in another. An event the call settled (most do) is not kept.
     */
    <T> CompletableFuture<T> watch(CompletableFuture<T> event) {
        if (event.isDone()) {
            return event;
        }
        objectEvents.add(event);
        event.whenComplete((value, failure) -> objectEvents.remove(event));
        ResourceLimitException why = stopped;
        if (why != null) {
            event.completeExceptionally(why);
        }
        return event;
    }

    /** The limit this context was stopped for; null while it runs. */
    ResourceLimitException stoppedFor() {
        return stopped;
    }

    /** What a call into this context after it was stopped fails with. */
    private ScriptError discarded() {
        return new ScriptError("the Worker's context was discarded: a call in it broke a limit (" + stopped.getMessage() + ")");
    }

    /** What a call that threw becomes: the limit the watchdog stopped it for, or the script's error. */
    RuntimeException failure(String what, PolyglotException e) {
        ResourceLimitException why = stopped;
        if (why != null && (e.isCancelled() || e.isInterrupted() || e.isResourceExhausted())) {
            return why;
        }
        return ScriptError.of(what, e);
    }

    /**
     * The invocation the code running in this context belongs to, or null (module scope, an object's constructor): what a
     * later call for it {@link #runFor runs for}.
     */
    Invocation invocation() {
        return current;
    }

    /** Counts a subrequest of the running invocation: null, or Cloudflare's error when it is one too many. */
    String subrequest() {
        Invocation invocation = current;
        if (invocation == null) {
            return null;
        }
        if (++invocation.subrequests > limits.subrequests()) {
            if (invocation.subrequests == limits.subrequests() + 1 && invocation.ctx != null) {
                invocation.ctx.limitExceeded(ResourceLimitException.Limit.SUBREQUESTS);
            }
            return "Too many subrequests.";
        }
        return null;
    }

    /**
     * One invocation of the script (a request, or an event): what counts against its per-invocation
     * limits. A request has one of its own; the events of a context share one, which each event makes a
     * new invocation by moving its generation on.
     */
    static final class Invocation {
        /** Cloudflare's simultaneous open connections per invocation: a fetch past them waits for one to close. */
        static final int CONNECTIONS = 6;

        final ExecutionContext ctx;
        /** The request's answer (or what settles when an object's event is over); null for the events' invocation. */
        final CompletableFuture<?> answer;
        /** Which invocation this object is now: always 0 for a request's, one more per event for the events' one. Written holding the lock. */
        volatile int generation;
        int subrequests;
        /** The CPU time the watchdog counted against generation {@link #cpuGeneration}: its thread's alone. */
        long cpuNanos;
        int cpuGeneration;
        /** Its subrequests open now, and those waiting for one of them to close: guarded by this. */
        private int open;
        private java.util.ArrayDeque<Runnable> waiting;

        Invocation(ExecutionContext ctx, CompletableFuture<?> answer) {
            this.ctx = ctx;
            this.answer = answer;
        }

        /** Whether this is a request (or an object's event) still unanswered: a timer it sets runs as part of it. */
        boolean unanswered() {
            return answer != null && !answer.isDone();
        }

        /**
         * Opens one of the invocation's {@link #CONNECTIONS} connections for {@code send}: at once when one is free, else
         * when one closes ({@link #closed}), in the order asked, as Cloudflare queues them. The events' shared invocation has
         * no such count (its open connections would be its last event's).
         */
        void connect(Runnable send) {
            if (answer != null) {
                synchronized (this) {
                    if (open >= CONNECTIONS) {
                        if (waiting == null) {
                            waiting = new java.util.ArrayDeque<>();
                        }
                        waiting.add(send);
                        return;
                    }
                    open++;
                }
            }
            send.run();
        }

        /** A connection {@link #connect} opened is closed: the first fetch waiting for one takes it. */
        void closed() {
            if (answer == null) {
                return;
            }
            Runnable next;
            synchronized (this) {
                next = waiting == null ? null : waiting.poll();
                if (next == null) {
                    open--;
                    return;
                }
            }
            next.run();
        }
    }

    /** A new event's invocation (holding the lock): the events' one, moved on, its counts from 0. */
    private Invocation newEvent() {
        event.subrequests = 0;
        event.generation++;
        return event;
    }

    /**
     * What a continuation of {@code owner} (as it was at {@code generation}) counts against: it, or for an event gone by (the
     * events' invocation moved on), an invocation of its own, as the events' one is maybe the running call's.
     */
    private static Invocation resumed(Invocation owner, int generation) {
        if (owner == null || owner.generation == generation) {
            return owner;
        }
        return new Invocation(null, null);
    }

    /**
     * Runs {@code action} (a call into this context, holding the lock), and runs it again if it failed with a cancel while
     * this context runs: that cancel was another context's. GraalJS cancels a context a limit stopped on the threads in it,
     * and a thread that left that context before the cancel reached it takes it into the next context it enters, whose call
     * then fails as cancelled as it enters. A thread that called into a stopped context (an event loop,
     * the thread a fetch's answer completed on) would otherwise make its next call fail, and a promise it settles never would.
     */
    private void runPastStrayCancel(Runnable action) {
        try {
            action.run();
        } catch (PolyglotException e) {
            if (!e.isCancelled() || stopped != null) {
                throw e;
            }
            logger.debug("A call into a running JavaScript context was cancelled for another context; it runs again");
            action.run();
        }
    }

    /** Runs {@code action} in this context, on the calling thread, holding the context's lock. */
    void run(Runnable action) {
        CallWatchdog.Slot slot = CallWatchdog.slot();
        lock.lock();
        JsRealm outer = CallWatchdog.enter(slot, this);
        try {
            if (stopped == null) {
                runPastStrayCancel(action);
            }
        } catch (PolyglotException e) {
            if (stopped == null) {
                throw e;
            }
        } catch (IllegalStateException e) {
            if (stopped == null) {
                throw e; // else: the context was closed under a stage that completed late
            }
        } finally {
            leave(slot, outer);
            lock.unlock();
        }
    }

    /** As {@link #run}, the code counting against {@code owner} (a request whose body a stream feeds). */
    void runFor(Invocation owner, Runnable action) {
        run(() -> {
            Invocation outer = current;
            current = owner;
            try {
                action.run();
            } finally {
                current = outer;
            }
        });
    }

    /**
     * Calls into this context as {@link #run} does, for an invocation of its own: what {@code action} starts counts against
     * {@code invocation}, whose answer fails if a limit stops this context before it is complete.
     */
    void invoke(Invocation invocation, Runnable action) {
        CallWatchdog.Slot slot = CallWatchdog.slot();
        lock.lock();
        JsRealm outer = CallWatchdog.enter(slot, this);
        Invocation before = current;
        CompletableFuture<?> answer = invocation.answer;
        try {
            if (stopped != null) {
                answer.completeExceptionally(discarded());
                return;
            }
            inFlight.add(answer);
            current = invocation;
            runPastStrayCancel(action);
        } catch (PolyglotException e) {
            answer.completeExceptionally(failure("", e));
        } catch (IllegalStateException e) {
            answer.completeExceptionally(stopped != null ? stopped : e);
        } finally {
            current = before;
            leave(slot, outer);
            lock.unlock();
        }
        if (answer.isDone()) {
            inFlight.remove(answer);
        } else {
            answer.whenComplete((value, failure) -> inFlight.remove(answer));
        }
    }

    /**
     * Calls {@code function} with {@code args} in this context (an event for the script, from Java).
     *
     * @throws ScriptError when the script's code threw, with its message and where
     */
    void call(Value function, Object... args) {
        call(null, function, args);
    }

    /** As {@link #call(Value, Object...)}, counting against {@code invocation} (null: a new event). */
    void call(Invocation invocation, Value function, Object... args) {
        CallWatchdog.Slot slot = CallWatchdog.slot();
        lock.lock();
        JsRealm outer = CallWatchdog.enter(slot, this);
        Invocation before = current;
        try {
            if (stopped != null) {
                throw discarded();
            }
            current = invocation != null ? invocation : newEvent();
            runPastStrayCancel(() -> function.executeVoid(args));
        } catch (PolyglotException e) {
            throw failure("", e);
        } catch (IllegalStateException e) {
            throw stopped != null ? stopped : e;
        } finally {
            current = before;
            leave(slot, outer);
            lock.unlock();
        }
    }

    /** Calls the script's {@code fetch}; the answer completes when its promise settles. */
    CompletableFuture<Response> fetch(Request request, Env bindings, ExecutionContext ctx) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        invoke(new Invocation(ctx, answer), () -> dispatchFetch.executeVoid(handler, request, env(bindings), ctx, answer));
        return answer;
    }

    /**
     * A JavaScript promise that settles as {@code stage} completes: with its value (as GraalJS
     * passes a Java value in), or rejected with an Error whose message is the failure's. Call it
     * in this context (holding the lock); the promise settles in a later call into this context,
     * from whatever thread the stage completes on.
     */
    Value promise(CompletionStage<?> stage) {
        Invocation owner = current;
        int generation = owner == null ? 0 : owner.generation;
        Value[] settle = new Value[2];
        Value promise = promiseConstructor.newInstance((ProxyExecutable) args -> {
            settle[0] = args[0];
            settle[1] = args[1];
            return null;
        });
        stage.whenComplete((value, failure) -> settle(() -> {
            // A stage that is already complete settles here, inside the call that made the promise: that call's invocation is
            // put back after, or the rest of it would count against nothing (its later fetches uncounted, its CPU time unsummed).
            Invocation before = current;
            current = resumed(owner, generation); // what the promise's continuations do counts against the invocation that made it
            try {
                if (failure == null) {
                    settle[0].executeVoid(value);
                } else {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    settle[1].executeVoid(errorOf(cause));
                }
            } finally {
                current = before;
            }
        }));
        return promise;
    }

    /**
     * Runs what settles a promise of {@link #promise} in this context. It runs in a stage's completion, where what it throws
     * is lost: a promise that cannot settle leaves the code awaiting it waiting for ever, so why is logged.
     */
    private void settle(Runnable settle) {
        try {
            run(settle);
        } catch (RuntimeException e) {
            logger.warn("A promise of a JavaScript Worker could not settle: the code awaiting it waits for ever", e);
        }
    }

    /**
     * The JavaScript Error a failed stage rejects with: a Durable Object's failure as Cloudflare's
     * remote error (its own name and message when the object is JavaScript, {@code remote}, and
     * {@code durableObjectReset} when it reset the object), anything else an Error with its message.
     */
    private Value errorOf(Throwable failure) {
        DurableObjectException remote = DurableObjectException.of(failure);
        if (remote == null) {
            return context.getBindings("js").getMember("Error").newInstance(String.valueOf(failure.getMessage()));
        }
        ScriptError thrown = ScriptError.thrownError(remote);
        return remoteError.execute(thrown != null ? thrown.errorName() : "Error", thrown != null ? thrown.errorMessage() : remote.getMessage(),
                remote.isDurableObjectReset());
    }

    /** Evaluates a script in this context (holding the lock): for tests and for what runs beside a Worker's code. */
    Value eval(String name, String code) {
        CallWatchdog.Slot slot = CallWatchdog.slot();
        lock.lock();
        JsRealm outer = CallWatchdog.enter(slot, this);
        try {
            return context.eval(Source.newBuilder("js", code, name).buildLiteral());
        } catch (PolyglotException e) {
            throw stopped != null ? stopped : e;
        } finally {
            leave(slot, outer);
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

    /** Whether {@link #close} closed this context (its script was replaced): a call into it fails with an IllegalStateException. */
    boolean closed() {
        return closed;
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            context.close(stopped != null);
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
