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
 */
public record Zone(String name, ZoneSettings settings, List<DnsRecord> dnsRecords, List<CertificateFiles> certificates,
                   String originCa, List<Ruleset> rulesets) {

    public Zone {
        dnsRecords = List.copyOf(dnsRecords);
        certificates = List.copyOf(certificates);
        rulesets = List.copyOf(rulesets);
    }

    public Zone(String name, ZoneSettings settings, List<DnsRecord> dnsRecords) {
        this(name, settings, dnsRecords, List.of(), null, List.of());
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
