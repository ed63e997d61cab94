package dev.pier.control.store;

import java.time.Instant;

/**
 * A Workers script of the account, without its modules ({@link Store#workerScriptModules}).
 *
 * @param name                 Cloudflare's script name, what routes name
 * @param etag                 the SHA-256 of its modules and settings: a new one with every change of either
 * @param mainModule           the name of the module whose default export runs
 * @param settingsJson         {@code {"compatibility_date", "compatibility_flags", "bindings", "limits"}} as the edge runs it
 *                             ({@code limits} only when set), secret texts included: never shown as it is
 * @param migrationTag         the tag of the last Durable Object migration applied, or null for none
 * @param durableObjectClasses {@code [{"class_name", "sqlite"}]}: the classes its migrations made Durable Objects
 */
public record StoredWorkerScript(String name, String etag, String mainModule, String settingsJson, String migrationTag,
                                 String durableObjectClasses, Instant createdOn, Instant modifiedOn) {

    /** The etag of a script: the SHA-256 of its main module's name, its settings and its modules. */
    public static String etag(String mainModule, String settingsJson, java.util.List<StoredScriptModule> modules) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(mainModule.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(settingsJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (StoredScriptModule m : modules) {
                sha.update((m.name() + "\n" + m.contentType() + "\n" + m.content().length + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(m.content());
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
