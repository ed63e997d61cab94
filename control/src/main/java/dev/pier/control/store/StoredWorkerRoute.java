package dev.pier.control.store;

import java.time.Instant;

/**
 * A zone's route to a Worker in Cloudflare's shape: the pattern (host and path, as
 * {@code dev.pier.config.WorkerRoute} reads it) and the name of the script it runs.
 */
public record StoredWorkerRoute(String id, String zoneId, String pattern, String script, Instant createdOn, Instant modifiedOn) {
}
