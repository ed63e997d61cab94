package dev.pier.config;

import java.util.List;

/**
 * A zone: a domain such as {@code example.com}, its settings and its proxied DNS records.
 *
 * @param name        the zone apex, lower case
 * @param settings    per-zone settings
 * @param dnsRecords  the records that route a hostname of this zone to its origin
 * @param originRules per-hostname origin overrides (Cloudflare does these with Origin Rules)
 */
public record Zone(String name, ZoneSettings settings, List<DnsRecord> dnsRecords, List<OriginRule> originRules) {

    public Zone {
        dnsRecords = List.copyOf(dnsRecords);
        originRules = List.copyOf(originRules);
    }
}
