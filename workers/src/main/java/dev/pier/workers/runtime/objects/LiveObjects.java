package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectId;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.host.NodeRequests;
import dev.pier.workers.runtime.storage.ObjectRef;
import dev.pier.workers.runtime.storage.ObjectStore;
import dev.pier.config.DurableObjectsConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The objects of one Durable Object namespace on this node, for as long as the node runs: the
 * class they are constructed from now, one {@link LiveObject} per id in memory, their figures,
 * and their eviction. A deploy of new code swaps the class: each instance that can hibernate is
 * evicted, keeping its hibernatable WebSockets open, and its next event constructs the new code;
 * one that holds WebSockets with listeners goes on with its code for a while first
 * ({@link #deploy(Class, dev.pier.workers.Env, Duration)}). Every request and alarm for an id
 * reaches its one {@code LiveObject}, across deploys.
 *
 * <p>An instance with no event for {@code hibernateAfter}, and no WebSocket other than
 * hibernatable ones, is evicted: dropped from memory, its hibernatable WebSockets kept open at
 * the edge. An object with no WebSocket left is then forgotten altogether; a later event starts
 * it from storage.
 *
 * <p>With nodes that share the storage, an object runs only on the node that holds it
 * ({@link Ownership}): a request for an object another node runs is sent there, and when that node
 * no longer runs it, or cannot be reached (then once its hold could have run out), the object is
 * looked for again, at most {@value #MAX_ATTEMPTS} times.
 */
public final class LiveObjects implements AutoCloseable {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(LiveObjects.class);
    /** Every object's events run on virtual threads: storage calls block, and an object holds no platform thread while idle. */
    private static final Executor THREADS = Executors.newVirtualThreadPerTaskExecutor();
    /** One thread for the timers of every object (alarms, event time limits, eviction sweeps): a timer only queues an event. */
    static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pier-object-timers").daemon().factory());
    /** How often idle objects are looked for. */
    private static final long SWEEP_MILLIS = 1_000;
    /** How many times a request looks for the node that runs its object. */
    static final int MAX_ATTEMPTS = 5;
    /** The attempt of a request another node sent here: it runs here or nowhere, never sent on. */
    static final int FROM_NODE = -1;

    private final String name;
    private final ObjectStore store;
    private final Ownership ownership;
    private final long hibernateAfterNanos;
    private volatile ObjectClass type;
    private final ConcurrentHashMap<DurableObjectId, LiveObject> live = new ConcurrentHashMap<>();
    private final ObjectMetrics metrics = new ObjectMetrics(this);
    private final ScheduledFuture<?> sweeper;
    /** Looks for due alarms no node's timer will fire, with nodes that share the storage; null for one node. */
    private final ScheduledFuture<?> orphanedAlarms;

    /**
     * Starts the namespace: every alarm stored for its objects is set, so alarms go off after a
     * restart as they were set.
     *
     * @param name           unique on the node; its objects' storage is kept under it
     * @param type           the class, a {@code DurableObject} with a public constructor {@code (DurableObjectState, Env)}
     * @param store          where its objects' storage lives
     * @param hibernateAfter how long an instance stays in memory with no event
     */
    public LiveObjects(String name, Class<?> type, dev.pier.workers.Env env, ObjectStore store, Duration hibernateAfter) {
        this(name, type, env, store, hibernateAfter, Ownership.ONE_NODE);
    }

    /**
     * Starts the namespace on one of the nodes that share {@code store}, as {@code ownership} has
     * them run each object on one node.
     */
    public LiveObjects(String name, Class<?> type, dev.pier.workers.Env env, ObjectStore store, Duration hibernateAfter,
                       Ownership ownership) {
        this(name, ObjectClass.ofJava(type), env, store, hibernateAfter, ownership);
    }

    /** Starts the namespace with a class of any language (a JavaScript module's exported class). */
    public LiveObjects(String name, dev.pier.workers.host.DurableObjectClass type, dev.pier.workers.Env env, ObjectStore store,
                       Duration hibernateAfter, Ownership ownership) {
        this.name = name;
        this.type = new ObjectClass(type, env);
        this.store = store;
        this.ownership = ownership;
        this.hibernateAfterNanos = hibernateAfter.toNanos();
        for (ObjectRef ref : store.dueAlarms(Long.MAX_VALUE)) {
            if (ref.namespace().equals(name)) {
                object(new DurableObjectId(ref.objectId(), null)).scheduleStoredAlarm();
            }
        }
        long sweep = Math.max(10, Math.min(SWEEP_MILLIS, hibernateAfter.toMillis() / 2));
        this.sweeper = TIMERS.scheduleWithFixedDelay(this::evictIdle, sweep, sweep, TimeUnit.MILLISECONDS);
        Duration scan = ownership.orphanedAlarmsEvery();
        this.orphanedAlarms = scan == null ? null : TIMERS.scheduleWithFixedDelay(() -> THREADS.execute(this::fireOrphanedAlarms),
                scan.toMillis(), scan.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @throws IllegalArgumentException when {@code type} is not a {@code DurableObject} with a public constructor {@code (DurableObjectState, Env)} */
    public static void checkClass(Class<?> type) {
        ObjectClass.ofJava(type);
    }

    /** A Java class as a Durable Object class. @throws IllegalArgumentException as {@link #checkClass} */
    public static dev.pier.workers.host.DurableObjectClass javaClass(Class<?> type) {
        return ObjectClass.ofJava(type);
    }

    public String name() {
        return name;
    }

    public ObjectMetrics metrics() {
        return metrics;
    }

    ObjectClass type() {
        return type;
    }

    Ownership ownership() {
        return ownership;
    }

    /**
     * New code for the namespace, as Cloudflare's deferred code updates with {@code maxDelay}: every
     * object in memory that can hibernate does so once its running event ends, and constructs
     * {@code next} on its next event; one that holds WebSockets with listeners goes on with its code
     * until they closed or {@code maxDelay} passed, then is reset (those WebSockets close with 1012).
     * Hibernatable WebSockets stay open.
     *
     * @throws IllegalArgumentException when {@code next} is not a Durable Object class
     */
    public void deploy(Class<?> next, dev.pier.workers.Env env, Duration maxDelay) {
        deploy(ObjectClass.ofJava(next), env, maxDelay);
    }

    /** New code for the namespace, with Cloudflare's default delay for objects that cannot hibernate (5 minutes). */
    public void deploy(Class<?> next, dev.pier.workers.Env env) {
        deploy(next, env, DurableObjectsConfig.DEFAULT_CODE_UPDATE_MAX_DELAY);
    }

    /** New code for the namespace, of any language, as {@link #deploy(Class, dev.pier.workers.Env, Duration)}. */
    public void deploy(dev.pier.workers.host.DurableObjectClass next, dev.pier.workers.Env env, Duration maxDelay) {
        this.type = new ObjectClass(next, env);
        live.values().forEach(object -> object.redeployed(maxDelay));
        logger.info("Durable Objects {}: {} deployed; {} objects in memory construct it on their next event once they can hibernate",
                name, next.name(), live.size());
    }

    /**
     * Delivers {@code request} to the object {@code id}: on this node, started if it is not in
     * memory, or on the node that runs it.
     */
    CompletableFuture<Response> fetch(DurableObjectId id, Request request) {
        metrics.requests.increment();
        return deliver(id, request, 0);
    }

    /**
     * Delivers a request another node sent for the object {@code id}: on this node, or nowhere;
     * when another node runs it, the answer says so ({@link NodeRequests#MOVED}).
     */
    CompletableFuture<Response> fetchFromNode(DurableObjectId id, Request request) {
        return deliver(id, request, FROM_NODE);
    }

    private CompletableFuture<Response> deliver(DurableObjectId id, Request request, int attempt) {
        while (true) {
            LiveObject object = live.get(id);
            if (object == null) {
                Ownership.Elsewhere owner = ownership.knownOwner(name, id);
                if (owner != null) {
                    return elsewhere(id, request, attempt, owner);
                }
                object = object(id);
            }
            CompletableFuture<Response> answer = object.fetch(request, attempt);
            if (answer != null) {
                return answer;
            }
            // it was forgotten between the lookup and the delivery: the next lookup starts it again
        }
    }

    /**
     * The object does not run here: {@code owner} runs it, or, when null, this node lost it to a
     * node not known yet. A request from another node is answered so; one of this node's stubs is
     * sent on.
     */
    CompletableFuture<Response> elsewhere(DurableObjectId id, Request request, int attempt, Ownership.Elsewhere owner) {
        if (attempt == FROM_NODE) {
            Response moved = Response.text(421, "This node does not run Durable Object " + id + " of " + name + ".\n");
            moved.headers().set(NodeRequests.MOVED, owner == null ? "taken over" : "held by " + owner.node());
            return CompletableFuture.completedFuture(moved);
        }
        if (owner == null) {
            return again(id, request, attempt, 0, "this node lost it to another");
        }
        metrics.forwarded.increment();
        return ownership.forward(owner, name, id, request).thenCompose(sent -> switch (sent) {
            case Ownership.Answered answered -> CompletableFuture.completedFuture(answered.response());
            case Ownership.Moved moved -> again(id, request, attempt, 0, "the node at " + owner.address() + " no longer runs it ("
                    + moved.why() + ")");
            // the node may be gone: it gave its objects up, or they are anyone's once its hold could have run out
            case Ownership.Unreachable unreachable -> again(id, request, attempt,
                    unreachable.retryInMillis() == 0 ? 0 : unreachable.retryInMillis() + 10, unreachable.why());
        });
    }

    /** Looks for the object again after {@code delayMillis}, unless the request has looked for it often enough. */
    private CompletableFuture<Response> again(DurableObjectId id, Request request, int attempt, long delayMillis, String why) {
        if (attempt + 1 >= MAX_ATTEMPTS) {
            return CompletableFuture.failedFuture(new IllegalStateException("Durable Object " + id + " of " + name
                    + ": no node ran the request in " + MAX_ATTEMPTS + " attempts; the last: " + why));
        }
        if (delayMillis <= 0) {
            return deliver(id, request, attempt + 1);
        }
        CompletableFuture<Response> later = new CompletableFuture<>();
        TIMERS.schedule(() -> deliver(id, request, attempt + 1).whenComplete((r, e) -> {
            if (e != null) {
                later.completeExceptionally(e);
            } else {
                later.complete(r);
            }
        }), delayMillis, TimeUnit.MILLISECONDS);
        return later;
    }

    /** The alarm of {@code id} set for {@code epochMillis} went off. */
    void alarm(DurableObjectId id, long epochMillis, int retry) {
        while (!object(id).alarm(epochMillis, retry)) {
            // forgotten meanwhile, as for a request
        }
    }

    private LiveObject object(DurableObjectId id) {
        return live.computeIfAbsent(id, i -> new LiveObject(i, this, store.open(name, i.toString()), THREADS));
    }

    /** An object with nothing left in memory: it is started again, from storage, by its next event. */
    void forget(LiveObject object) {
        live.remove(object.id(), object);
    }

    /**
     * Sets a timer for each due alarm of an object not in memory here and not known to run on
     * another node: its node may have stopped without a word after it set the alarm, when no other
     * node had a timer for it. The alarm's event claims the object, and runs only where it is held.
     */
    private void fireOrphanedAlarms() {
        try {
            for (ObjectRef ref : store.dueAlarms(System.currentTimeMillis())) {
                if (ref.namespace().equals(name)) {
                    DurableObjectId id = new DurableObjectId(ref.objectId(), null);
                    if (!live.containsKey(id) && ownership.knownOwner(name, id) == null) {
                        object(id).scheduleStoredAlarm();
                    }
                }
            }
        } catch (RuntimeException e) {
            logger.warn("Durable Objects {}: looking for due alarms failed ({}); they are looked for again", name, e.getMessage());
        }
    }

    private void evictIdle() {
        try {
            long idleSince = System.nanoTime() - hibernateAfterNanos;
            for (LiveObject object : live.values()) {
                object.evictIfIdleSince(idleSince);
            }
        } catch (RuntimeException e) {
            logger.error("Durable Objects {}: looking for idle objects failed", name, e);
        }
    }

    /** How many objects in memory {@code test} holds for. */
    int count(Predicate<LiveObject> test) {
        int n = 0;
        for (LiveObject o : live.values()) {
            n += test.test(o) ? 1 : 0;
        }
        return n;
    }

    int sum(ToIntFunction<LiveObject> value) {
        int n = 0;
        for (LiveObject o : live.values()) {
            n += value.applyAsInt(o);
        }
        return n;
    }

    /** How many objects are in memory, evicted ones that keep WebSockets included. */
    public int inMemory() {
        return live.size();
    }

    /** Stops the namespace's timers: no object is evicted, and no alarm goes off, in this process any more. */
    @Override
    public void close() {
        sweeper.cancel(false);
        if (orphanedAlarms != null) {
            orphanedAlarms.cancel(false);
        }
        live.values().forEach(LiveObject::cancelAlarm);
    }
}
