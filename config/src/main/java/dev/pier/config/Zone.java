package dev.pier.config;

import dev.pier.config.ruleset.Phase;
import dev.pier.config.ruleset.Ruleset;
import java.util.List;

/**
 * A zone: a domain such as {@code example.com}, its settings and its proxied DNS records.
 *
 * @param name        the zone apex, lower case
 * @param settings    per-zone settings
 * @param dnsRecords  the records that route a hostname of this zone to its origin
 * @param certificates edge certificates for the zone's host names (chosen by SNI, by the
 *                    names the certificates carry)
 * @param originCa    the CA certificates (PEM text) that origins must chain to in strict
 *                    mode; null for the system's trust store
 * @param rulesets    the zone's phase rulesets (origin rules, custom rules, rate limiting,
 *                    managed rules), at most one per phase
 * @param workerRoutes the routes to Workers among the zone's hosts, most specific first
 */
public record Zone(String name, ZoneSettings settings, List<DnsRecord> dnsRecords, List<CertificateFiles> certificates,
                   String originCa, List<Ruleset> rulesets, List<WorkerRoute> workerRoutes) {

    public Zone {
        dnsRecords = List.copyOf(dnsRecords);
        certificates = List.copyOf(certificates);
        rulesets = List.copyOf(rulesets);
        workerRoutes = workerRoutes.stream().sorted(WorkerRoute.MOST_SPECIFIC_FIRST).toList();
    }

    /** A zone without Worker routes. */
    public Zone(String name, ZoneSettings settings, List<DnsRecord> dnsRecords, List<CertificateFiles> certificates,
                String originCa, List<Ruleset> rulesets) {
        this(name, settings, dnsRecords, certificates, originCa, rulesets, List.of());
    }

    public Zone(String name, ZoneSettings settings, List<DnsRecord> dnsRecords) {
        this(name, settings, dnsRecords, List.of(), null, List.of());
    }

    /**
     * The Worker that serves a request for {@code host} and {@code path} (see {@link WorkerRoute}),
     * or null when none of the zone's Worker routes matches and the request goes to its origin.
     */
    public RouteTarget.Worker worker(String host, String path) {
        for (WorkerRoute route : workerRoutes) {
            if (route.matches(host, path)) {
                return new RouteTarget.Worker(route.script());
            }
        }
        return null;
    }

    /** The zone's ruleset for a phase, or null. */
    public Ruleset ruleset(Phase phase) {
        for (Ruleset r : rulesets) {
            if (r.phase() == phase) {
                return r;
            }
        }
        return null;
    }
}
