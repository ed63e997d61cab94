package dev.pier.control.store;

import java.time.Instant;

/**
 * A Workers script of the account, without its modules ({@link Store#workerScriptModules}).
 *
 * @param name                 Cloudflare's script name, what routes name
 * @param etag                 the SHA-256 of its modules and settings: a new one with every change of either
 * @param mainModule           the name of the module whose default export runs
 * @param settingsJson         {@code {"compatibility_date", "compatibility_flags", "bindings"}} as the edge runs it, secret
 *                             texts included: never shown as it is
 * @param migrationTag         the tag of the last Durable Object migration applied, or null for none
 * @param durableObjectClasses {@code [{"class_name", "sqlite"}]}: the classes its migrations made Durable Objects
 */
public record StoredWorkerScript(String name, String etag, String mainModule, String settingsJson, String migrationTag,
                                 String durableObjectClasses, Instant createdOn, Instant modifiedOn) {
}
