package dev.pier.workers.runtime.objects;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * The figures of one Durable Object namespace on this node: its requests and incoming WebSocket
 * messages (which Cloudflare bills 20 to a request), constructions, evictions and wake-ups,
 * events whose code threw (the object went on) and resets, and requests sent to the other node that runs their object. The gauges (objects and WebSockets now) are counted when read.
 */
public final class ObjectMetrics {

    /** Incoming WebSocket messages Cloudflare bills as one request. */
    public static final int MESSAGES_PER_REQUEST = 20;

    final LongAdder requests = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder constructions = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder wakeUps = new LongAdder();
    final LongAdder exceptions = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    private final LiveObjects objects;

    ObjectMetrics(LiveObjects objects) {
        this.objects = objects;
    }

    /** Requests to the namespace's objects through their stubs. */
    public long requests() {
        return requests.sum();
    }

    /** WebSocket messages from clients to the namespace's objects, hibernatable or not. */
    public long messagesIn() {
        return messagesIn.sum();
    }

    /** Usage as Cloudflare bills it: each request, and one per {@value #MESSAGES_PER_REQUEST} incoming messages. */
    public double billedRequests() {
        return requests() + (double) messagesIn() / MESSAGES_PER_REQUEST;
    }

    /** Instances constructed: an object's first event, and its first after an eviction or a reset. */
    public long constructions() {
        return constructions.sum();
    }

    /** Instances evicted from memory, idle. */
    public long evictions() {
        return evictions.sum();
    }

    /** Constructions of an evicted object by its next event. */
    public long wakeUps() {
        return wakeUps.sum();
    }

    /**
     * Events whose code threw and failed alone, as on Cloudflare: the object kept its instance and
     * its WebSockets, and the writes made before the throw were committed.
     */
    public long exceptions() {
        return exceptions.sum();
    }

    /**
     * Resets: events that failed in a way the object cannot go on from (its constructor or a
     * {@code blockConcurrencyWhile} callback threw, it called {@code abort}, its commit failed, it
     * broke a CPU or memory limit, a WebSocket event ran past its timeout, another node took it over),
     * each of which dropped the event's writes, closed the object's WebSockets and its instance.
     */
    public long resets() {
        return resets.sum();
    }

    /** Requests sent to another node, which runs their object (a request looking for its object again counts again). */
    public long forwarded() {
        return forwarded.sum();
    }

    /** Objects with an instance in memory now. */
    public int liveObjects() {
        return objects.count(LiveObject::hasInstance);
    }

    /** Hibernatable WebSockets open now. */
    public int webSockets() {
        return objects.sum(LiveObject::hibernatableSockets);
    }

    /** Hibernatable WebSockets open now on objects that are evicted. */
    public int hibernatedWebSockets() {
        return objects.sum(o -> o.hasInstance() ? 0 : o.hibernatableSockets());
    }

    /** Registers the figures as {@code pier_durable_object_*} with the tag {@code namespace}. */
    public void bindTo(MeterRegistry registry, String namespace) {
        counter(registry, "pier.durable.object.requests", "Requests to the namespace's objects through their stubs",
                ObjectMetrics::requests, namespace);
        counter(registry, "pier.durable.object.websocket.messages.in", "WebSocket messages from clients to the namespace's objects",
                ObjectMetrics::messagesIn, namespace);
        FunctionCounter.builder("pier.durable.object.billed.requests", this, ObjectMetrics::billedRequests)
                .description("Requests plus one per 20 incoming WebSocket messages, as Cloudflare bills Durable Objects")
                .tag("namespace", namespace).register(registry);
        counter(registry, "pier.durable.object.constructions", "Instances constructed", ObjectMetrics::constructions, namespace);
        counter(registry, "pier.durable.object.evictions", "Idle instances evicted from memory", ObjectMetrics::evictions, namespace);
        counter(registry, "pier.durable.object.wakeups", "Evicted objects constructed again by their next event",
                ObjectMetrics::wakeUps, namespace);
        counter(registry, "pier.durable.object.exceptions", "Events whose code threw; the object went on", ObjectMetrics::exceptions,
                namespace);
        counter(registry, "pier.durable.object.resets", "Failures that reset their object: its writes dropped, its WebSockets closed",
                ObjectMetrics::resets, namespace);
        counter(registry, "pier.durable.object.forwarded", "Requests sent to the other node that runs their object",
                ObjectMetrics::forwarded, namespace);
        Gauge.builder("pier.durable.object.live", this, ObjectMetrics::liveObjects)
                .description("Objects with an instance in memory").tag("namespace", namespace).register(registry);
        Gauge.builder("pier.durable.object.websockets", this, ObjectMetrics::webSockets)
                .description("Hibernatable WebSockets open").tag("namespace", namespace).register(registry);
        Gauge.builder("pier.durable.object.websockets.hibernated", this, ObjectMetrics::hibernatedWebSockets)
                .description("Hibernatable WebSockets open on evicted objects").tag("namespace", namespace).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description,
            java.util.function.ToDoubleFunction<ObjectMetrics> value, String namespace) {
        FunctionCounter.builder(name, this, value).description(description).tag("namespace", namespace).register(registry);
    }
}
