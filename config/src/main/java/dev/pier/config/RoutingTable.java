package dev.pier.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Host name → {@link Route}, built once per snapshot. Exact records win over wildcards, and a
 * longer wildcard wins over a shorter one, as in DNS. When zones nest, a name belongs to the
 * most specific zone ({@link ZoneNames}): a parent zone's records for it are left out, and its
 * wildcards stop at the nested zone.
 */
public final class RoutingTable {

    private final Map<String, Route> exact;
    private final Map<String, Route> wildcards; // key: the suffix after "*."
    private final ZoneNames zoneNames;

    private RoutingTable(Map<String, Route> exact, Map<String, Route> wildcards, ZoneNames zoneNames) {
        this.exact = exact;
        this.wildcards = wildcards;
        this.zoneNames = zoneNames;
    }

    static RoutingTable of(List<Zone> zones) {
        ZoneNames zoneNames = ZoneNames.of(zones.stream().map(Zone::name).toList());
        Map<String, Route> exact = new HashMap<>();
        Map<String, Route> wildcards = new HashMap<>();
        for (Zone zone : zones) {
            for (DnsRecord record : zone.dnsRecords()) {
                if (zoneNames.ownedByAnother(zone.name(), record.name())) {
                    continue; // a name of a zone nested in this one: that zone's records serve it
                }
                if (record.isWildcard()) {
                    wildcards.put(record.name().substring(2), Route.toOrigin(zone, record));
                } else {
                    exact.put(record.name(), Route.toOrigin(zone, record));
                }
            }
        }
        return new RoutingTable(Map.copyOf(exact), Map.copyOf(wildcards), zoneNames);
    }

    /**
     * The route for a Host header value (port and trailing dot ignored, case-insensitive), or
     * {@code null} when no proxied record covers it.
     */
    public Route resolve(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        String host = hostOnly(hostHeader);
        Route route = exact.get(host);
        if (route != null || zoneNames.isZone(host)) {
            return route; // a zone's own name is served by its own record only
        }
        for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
            String suffix = host.substring(dot + 1);
            Route wildcard = wildcards.get(suffix);
            if (wildcard != null) {
                return wildcard;
            }
            if (zoneNames.isZone(suffix)) {
                return null; // the most specific zone covering the host has no record for it
            }
        }
        return null;
    }

    /**
     * The address an origin rule of {@code zone} means by {@code origin.host}: a proxied record
     * of that same zone stands for the record's origin; any other host name or address is used
     * as it is (resolved through DNS). Another zone's records are never consulted: through them
     * a zone could send its traffic to that zone's origin, past that zone's WAF.
     */
    public String originFor(String zone, String host) {
        Route route = exact.get(host);
        return route != null && route.zone().name().equals(zone) && route.target() instanceof RouteTarget.Origin origin
                ? origin.host() : host;
    }

    /** Lower-cased host name without port, brackets or trailing dot. */
    public static String hostOnly(String hostHeader) {
        String host = hostHeader;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end > 0 ? host.substring(1, end) : host;
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0 && host.indexOf(':', colon + 1) < 0) {
                host = host.substring(0, colon);
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
