package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectId;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.runtime.storage.ObjectRef;
import dev.pier.workers.runtime.storage.ObjectStore;
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
 * and their eviction. A deploy of new code swaps the class and evicts every instance, keeping
 * each object's hibernatable WebSockets open; the next event constructs the new code. Every
 * request and alarm for an id reaches its one {@code LiveObject}, across deploys.
 *
 * <p>An instance with no event for {@code hibernateAfter}, and no WebSocket other than
 * hibernatable ones, is evicted: dropped from memory, its hibernatable WebSockets kept open at
 * the edge. An object with no WebSocket left is then forgotten altogether; a later event starts
 * it from storage.
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

    private final String name;
    private final ObjectStore store;
    private final long hibernateAfterNanos;
    private volatile ObjectClass type;
    private final ConcurrentHashMap<DurableObjectId, LiveObject> live = new ConcurrentHashMap<>();
    private final ObjectMetrics metrics = new ObjectMetrics(this);
    private final ScheduledFuture<?> sweeper;

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
        this.name = name;
        this.type = new ObjectClass(type, env);
        this.store = store;
        this.hibernateAfterNanos = hibernateAfter.toNanos();
        for (ObjectRef ref : store.dueAlarms(Long.MAX_VALUE)) {
            if (ref.namespace().equals(name)) {
                object(new DurableObjectId(ref.objectId(), null)).scheduleStoredAlarm();
            }
        }
        long sweep = Math.max(10, Math.min(SWEEP_MILLIS, hibernateAfter.toMillis() / 2));
        this.sweeper = TIMERS.scheduleWithFixedDelay(this::evictIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** @throws IllegalArgumentException when {@code type} is not a {@code DurableObject} with a public constructor {@code (DurableObjectState, Env)} */
    public static void checkClass(Class<?> type) {
        new ObjectClass(type, null);
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

    /**
     * New code for the namespace: every instance is evicted once its running event ends, its
     * WebSockets other than hibernatable ones closed with 1012; the next event of each object
     * constructs {@code next}.
     *
     * @throws IllegalArgumentException when {@code next} is not a Durable Object class
     */
    public void deploy(Class<?> next, dev.pier.workers.Env env) {
        this.type = new ObjectClass(next, env);
        live.values().forEach(LiveObject::redeployed);
        logger.info("Durable Objects {}: {} deployed; {} objects in memory construct it on their next event", name, next.getName(),
                live.size());
    }

    /** Delivers {@code request} to the object {@code id}, started on this node if it is not in memory. */
    CompletableFuture<Response> fetch(DurableObjectId id, Request request) {
        metrics.requests.increment();
        while (true) {
            CompletableFuture<Response> answer = object(id).fetch(request);
            if (answer != null) {
                return answer;
            }
            // it was forgotten between the lookup and the delivery: the next lookup starts it again
        }
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
        live.values().forEach(LiveObject::cancelAlarm);
    }
}
