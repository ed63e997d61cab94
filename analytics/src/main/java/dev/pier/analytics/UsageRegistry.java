package dev.pier.analytics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-zone usage, created on first use and exported to Prometheus. A zone's figures outlive
 * config reloads (a zone removed and re-added keeps counting from where it was), as counters must.
 */
public final class UsageRegistry {

    private final ConcurrentHashMap<String, ZoneUsage> zones = new ConcurrentHashMap<>();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The usage of a zone; callers cache it per connection, this is not for the per-message path. */
    public ZoneUsage zone(String name) {
        return zones.computeIfAbsent(name, this::register);
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

    /** The Prometheus text exposition of every zone's figures. */
    public String scrape() {
        return prometheus.scrape();
    }
}
