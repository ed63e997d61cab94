package dev.pier.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One immutable configuration snapshot.
 *
 * @param listeners   where the edge accepts client connections
 * @param admin       the admin listener (metrics, and the control plane's API and dashboard when one runs), or null for none
 * @param requestLog  where request log records go: a file, or {@code null} for standard output
 * @param timeouts    origin-facing timeouts
 * @param zones       the zones, each with its settings and proxied DNS records
 * @param tls         edge-wide TLS settings
 * @param waf         edge-wide WAF settings (shared rate limits, challenges)
 * @param lists       named lists expressions use as {@code $name} (Cloudflare's account Lists):
 *                    IP addresses and CIDR ranges by list name
 * @param workers     the Workers this node runs, by name; zones route requests to them ({@link WorkerRoute})
 * @param durableObjects where the Durable Objects' storage lives on this node, and when idle ones are evicted
 * @param analytics   where request log records are kept for analytics, and for how long ({@link AnalyticsConfig#OFF} for nowhere)
 */
public record PierConfig(
        List<ListenerConfig> listeners,
        AdminConfig admin,
        Path requestLog,
        Timeouts timeouts,
        List<Zone> zones,
        TlsConfig tls,
        WafConfig waf,
        java.util.Map<String, List<String>> lists,
        List<WorkerScript> workers,
        DurableObjectsConfig durableObjects,
        AnalyticsConfig analytics) {

    public PierConfig {
        listeners = List.copyOf(listeners);
        zones = List.copyOf(zones);
        lists = java.util.Map.copyOf(lists);
        workers = List.copyOf(workers);
        analytics = analytics == null ? AnalyticsConfig.OFF : analytics;
    }

    /** The same node settings with other zones and lists (the control plane's). */
    public PierConfig withZones(List<Zone> otherZones, java.util.Map<String, List<String>> otherLists) {
        return new PierConfig(listeners, admin, requestLog, timeouts, otherZones, tls, waf, otherLists, workers, durableObjects, analytics);
    }

    /** The same configuration running these Workers (the file's with the control plane's scripts). */
    public PierConfig withWorkers(List<WorkerScript> otherWorkers) {
        return new PierConfig(listeners, admin, requestLog, timeouts, zones, tls, waf, lists, otherWorkers, durableObjects, analytics);
    }

    /** The routing table of this snapshot, built once. */
    public RoutingTable routingTable() {
        return RoutingTable.of(zones);
    }
}
