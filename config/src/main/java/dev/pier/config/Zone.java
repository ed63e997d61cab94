package dev.pier.config;

import java.util.List;

/**
 * A zone: a domain such as {@code example.com}, its settings and its proxied DNS records.
 *
 * @param name        the zone apex, lower case
 * @param settings    per-zone settings
 * @param dnsRecords  the records that route a hostname of this zone to its origin
 * @param originRules per-hostname origin overrides (Cloudflare does these with Origin Rules)
 * @param certificates edge certificates for the zone's host names (chosen by SNI, by the
 *                    names the certificates carry)
 * @param originCa    CA certificates (PEM) that origins must chain to in strict mode; null
 *                    for the system's trust store
 * @param firewallRules the zone's custom rules, in order (Cloudflare's
 *                    {@code http_request_firewall_custom} phase)
 */
public record Zone(String name, ZoneSettings settings, List<DnsRecord> dnsRecords, List<OriginRule> originRules,
                   List<CertificateFiles> certificates, java.nio.file.Path originCa, List<FirewallRule> firewallRules) {

    public Zone {
        dnsRecords = List.copyOf(dnsRecords);
        originRules = List.copyOf(originRules);
        certificates = List.copyOf(certificates);
        firewallRules = List.copyOf(firewallRules);
    }

    public Zone(String name, ZoneSettings settings, List<DnsRecord> dnsRecords, List<OriginRule> originRules) {
        this(name, settings, dnsRecords, originRules, List.of(), null, List.of());
    }
}
