package dev.pier.config;

/**
 * Where a request for one host name goes, before origin rules.
 *
 * @param zone       the zone the host name belongs to
 * @param record     the DNS record that matched
 * @param originHost the origin address or host name to connect to
 */
public record Route(Zone zone, DnsRecord record, String originHost) {
}
