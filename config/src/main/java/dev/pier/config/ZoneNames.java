package dev.pier.config;

import java.util.Collection;
import java.util.Set;

/**
 * Which zone a host name belongs to when zones nest ({@code example.com} and
 * {@code sub.example.com}): the most specific zone whose name is the host's or a parent of it,
 * as in DNS delegation and Cloudflare's subdomain zones. A parent zone's records and
 * certificates never serve a name a more specific zone owns, so one zone (or one zone-scoped
 * token) cannot take another's traffic or TLS.
 */
public final class ZoneNames {

    private final Set<String> zones;

    private ZoneNames(Set<String> zones) {
        this.zones = zones;
    }

    public static ZoneNames of(Collection<String> zoneNames) {
        return new ZoneNames(Set.copyOf(zoneNames));
    }

    /** Whether {@code name} is a zone's own name (its apex). */
    public boolean isZone(String name) {
        return zones.contains(name);
    }

    /**
     * The zone a host name belongs to, or null when no zone covers it. A wildcard
     * {@code *.base} belongs to the zone of {@code base}.
     */
    public String owner(String name) {
        String candidate = name.startsWith("*.") ? name.substring(2) : name;
        while (true) {
            if (zones.contains(candidate)) {
                return candidate;
            }
            int dot = candidate.indexOf('.');
            if (dot < 0) {
                return null;
            }
            candidate = candidate.substring(dot + 1);
        }
    }

    /**
     * Whether another zone owns {@code name}, which {@code zone} then must not serve: a zone
     * nested in it, or one that is not its parent at all. A name no zone covers (an address in
     * a file's certificate, say) is nobody else's.
     */
    public boolean ownedByAnother(String zone, String name) {
        String owner = owner(name);
        return owner != null && !owner.equals(zone);
    }
}
