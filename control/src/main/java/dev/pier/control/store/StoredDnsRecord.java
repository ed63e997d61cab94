package dev.pier.control.store;

import java.time.Instant;

/** A DNS record in Cloudflare's shape (A, AAAA or CNAME); only proxied records are served by the edge. */
public record StoredDnsRecord(String id, String zoneId, String type, String name, String content, boolean proxied, int ttl,
                              Instant createdOn, Instant modifiedOn) {
}
