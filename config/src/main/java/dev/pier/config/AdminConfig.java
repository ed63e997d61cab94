package dev.pier.config;

import java.util.Set;

/**
 * The admin listener: metrics, and with a store the API and the dashboard.
 *
 * @param address      where it listens
 * @param allowedHosts the host names a request's {@code Host} may name besides {@code localhost}
 *                     and IP addresses (lower case, no port, no trailing dot); a request naming any
 *                     other host is refused, so a page whose name an attacker rebinds to this
 *                     address (DNS rebinding) reads nothing
 * @param metricsToken the bearer token {@code /metrics} accepts, read from
 *                     {@code admin.metrics_token_file}; null when there is none
 */
public record AdminConfig(ListenerConfig address, Set<String> allowedHosts, MetricsToken metricsToken) {

    public AdminConfig {
        if (address == null) {
            throw new IllegalArgumentException("address: null (expected: host:port)");
        }
        allowedHosts = Set.copyOf(allowedHosts);
    }

    /** An admin listener on {@code address} answering to localhost and IP addresses, with no metrics token. */
    public AdminConfig(ListenerConfig address) {
        this(address, Set.of(), null);
    }
}
