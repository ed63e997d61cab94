package dev.pier.control.store;

import java.time.Instant;

/**
 * A zone's entry point ruleset for one phase, in Cloudflare's JSON shape.
 *
 * @param version 1 when created, one more at every change (Cloudflare's ruleset version)
 */
public record StoredRuleset(String id, String zoneId, String phase, String json, int version, Instant modifiedOn) {
}
