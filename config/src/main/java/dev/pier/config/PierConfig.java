package dev.pier.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One immutable configuration snapshot.
 *
 * @param listeners   where the edge accepts client connections
 * @param admin       the admin listener (metrics now, the API and dashboard later)
 * @param requestLog  where request log records go: a file, or {@code null} for standard output
 * @param timeouts    origin-facing timeouts
 * @param zones       the zones, each with its settings and proxied DNS records
 * @param tls         edge-wide TLS settings
 * @param waf         edge-wide WAF settings (shared rate limits, challenges)
 */
public record PierConfig(
        List<ListenerConfig> listeners,
        ListenerConfig admin,
        Path requestLog,
        Timeouts timeouts,
        List<Zone> zones,
        TlsConfig tls,
        WafConfig waf) {

    public PierConfig {
        listeners = List.copyOf(listeners);
        zones = List.copyOf(zones);
    }

    public PierConfig(List<ListenerConfig> listeners, ListenerConfig admin, Path requestLog, Timeouts timeouts,
                      List<Zone> zones) {
        this(listeners, admin, requestLog, timeouts, zones, TlsConfig.NONE, WafConfig.DEFAULTS);
    }

    /** The routing table of this snapshot, built once. */
    public RoutingTable routingTable() {
        return RoutingTable.of(zones);
    }
}
