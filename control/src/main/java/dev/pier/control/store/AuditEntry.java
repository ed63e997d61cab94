package dev.pier.control.store;

import java.time.Instant;

/**
 * One change: who made it, what it did to which resource, and the resource before and after
 * (JSON, null when it did not exist).
 *
 * @param seq increases with every change; edge nodes follow it as a change feed
 */
public record AuditEntry(long seq, Instant at, String actor, String action, String resourceType, String resourceId,
                         String zoneId, String before, String after) {
}
