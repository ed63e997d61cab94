package dev.pier.control.store;

import java.time.Instant;

/** A zone as the API shows it: Cloudflare-style 32-hex id, name, status. */
public record StoredZone(String id, String name, String status, Instant createdOn, Instant modifiedOn) {
}
