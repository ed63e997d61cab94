package dev.pier.control.store;

import java.time.Instant;
import java.util.Set;

/**
 * An API token. The secret itself is never stored: {@code secretHash} is its SHA-256.
 *
 * @param permissions Cloudflare-style permission names ("Zone Settings Write", …)
 * @param zoneIds     the zones it may act on; empty for every zone
 * @param status      {@code active} or {@code disabled}
 */
public record StoredToken(String id, String name, String secretHash, Set<String> permissions, Set<String> zoneIds,
                          String status, Instant issuedOn) {

    public StoredToken {
        permissions = Set.copyOf(permissions);
        zoneIds = Set.copyOf(zoneIds);
    }
}
