package dev.pier.analytics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-zone usage, created on first use and exported to Prometheus. A zone's figures outlive
 * config reloads (a zone removed and re-added keeps counting from where it was), as counters must.
 */
public final class UsageRegistry {

    private final ConcurrentHashMap<String, ZoneUsage> zones = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, WorkerUsage> workers = new ConcurrentHashMap<>();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The usage of a zone; callers cache it per connection, this is not for the per-message path. */
    public ZoneUsage zone(String name) {
        return zones.computeIfAbsent(name, this::register);
    }

    /** The usage of a zone that has had any; null for one that has not. */
    public ZoneUsage existing(String name) {
        return zones.get(name);
    }

    /** Every zone that has had usage, by name (a live view). */
    public java.util.Map<String, ZoneUsage> zones() {
        return java.util.Collections.unmodifiableMap(zones);
    }

    private ZoneUsage register(String zone) {
        ZoneUsage usage = new ZoneUsage();
        FunctionCounter.builder("pier.requests", usage, ZoneUsage::requests)
                .description("Requests for the zone's hosts, whatever became of them; a WebSocket counts once, for its upgrade")
                .tag("zone", zone).register(prometheus);
        FunctionCounter.builder("pier.websocket.upgrades", usage, ZoneUsage::upgrades)
                .description("WebSocket upgrades completed (origin answered 101)")
                .tag("zone", zone).register(prometheus);
        FunctionCounter.builder("pier.edge.response", usage, ZoneUsage::edgeResponseBytes)
                .description("Bytes sent from the edge to clients (bandwidth)")
                .baseUnit("bytes").tag("zone", zone).register(prometheus);
        Gauge.builder("pier.websocket.connections.open", usage, ZoneUsage::openWebSockets)
                .description("WebSocket connections open now")
                .tag("zone", zone).register(prometheus);
        return usage;
    }

    /** The figures of a Worker script; callers cache it per request or socket, this is not for the per-message path. */
    public WorkerUsage worker(String script) {
        return workers.computeIfAbsent(script, this::registerWorker);
    }

    private WorkerUsage registerWorker(String script) {
        WorkerUsage usage = new WorkerUsage();
        FunctionCounter.builder("pier.worker.requests", usage, WorkerUsage::requests)
                .description("Invocations of the Worker's fetch (a WebSocket counts once, for its upgrade)")
                .tag("script", script).register(prometheus);
        FunctionCounter.builder("pier.worker.exceptions", usage, WorkerUsage::exceptions)
                .description("Invocations and WebSocket events of the Worker that ended in an exception")
                .tag("script", script).register(prometheus);
        FunctionCounter.builder("pier.worker.cpu", usage, WorkerUsage::cpuSeconds)
                .description("Time the Worker's code ran on the edge's threads").baseUnit("seconds")
                .tag("script", script).register(prometheus);
        FunctionCounter.builder("pier.worker.websocket.messages", usage, WorkerUsage::messagesIn)
                .description("WebSocket messages between clients and the Worker").tag("script", script).tag("direction", "in")
                .register(prometheus);
        FunctionCounter.builder("pier.worker.websocket.messages", usage, WorkerUsage::messagesOut)
                .description("WebSocket messages between clients and the Worker").tag("script", script).tag("direction", "out")
                .register(prometheus);
        for (String limit : java.util.List.of("cpu", "memory", "subrequests")) {
            FunctionCounter.builder("pier.worker.limits.exceeded", usage, u -> u.limitsExceeded(limit))
                    .description("Invocations and WebSocket events of the Worker that broke a resource limit: stopped for CPU time or "
                            + "memory (error 1102), or a subrequest refused").tag("script", script).tag("limit", limit).register(prometheus);
        }
        Gauge.builder("pier.worker.websockets.open", usage, WorkerUsage::openWebSockets)
                .description("WebSockets the Worker holds now").tag("script", script).register(prometheus);
        return usage;
    }

    /** Exports what became of the node's request log records. */
    public void requestLog(RequestLogStats stats) {
        FunctionCounter.builder("pier.request.log.written.records", stats, RequestLogStats::written)
                .description("Request log records written").register(prometheus);
        FunctionCounter.builder("pier.request.log.dropped.records", stats, RequestLogStats::dropped)
                .description("Request log records dropped: the queue for the disk was full, or closing gave up on them")
                .register(prometheus);
        FunctionCounter.builder("pier.request.log.write.failures", stats, RequestLogStats::writeFailures)
                .description("Attempts to write a batch of request log records that failed (each is retried)").register(prometheus);
    }

    /** Exports figures kept elsewhere (the Durable Object namespaces'), for as long as the node runs. */
    public void register(MeterBinder figures) {
        figures.bindTo(prometheus);
    }

    /** The Prometheus text exposition of every zone's figures. */
    public String scrape() {
        return prometheus.scrape();
    }
}
