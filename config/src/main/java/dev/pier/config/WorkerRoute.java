package dev.pier.config;

import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

/**
 * A route to a Worker in Cloudflare's shape: a pattern of host and path, such as
 * {@code chat.example.com/*}, {@code *.example.com/api/*} or {@code example.com/status}, and the
 * script it runs. A {@code *} may begin the host (any prefix: {@code *example.com} matches
 * {@code example.com} and its subdomains, {@code *.example.com} only subdomains) and end the path
 * (any rest); the query string is never part of the match. When several routes of a zone match,
 * the most specific runs: an exact host before a wildcard, then the longer host, then the longer
 * path.
 */
public record WorkerRoute(String pattern, String script) {

    /** Most specific first. */
    public static final Comparator<WorkerRoute> MOST_SPECIFIC_FIRST = Comparator
            .comparing((WorkerRoute r) -> r.hostWildcard())
            .thenComparing(r -> -r.host().length())
            .thenComparing(r -> r.pathWildcard())
            .thenComparing(r -> -r.path().length());

    public WorkerRoute {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(script, "script");
        pattern = pattern.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "");
        int slash = pattern.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("pattern: '" + pattern + "' (expected: a host and a path, e.g. chat.example.com/*)");
        }
        String host = pattern.substring(0, slash);
        String path = pattern.substring(slash);
        if (host.indexOf('*', 1) >= 0 || host.contains(":") || path.indexOf('*') >= 0 && path.indexOf('*') != path.length() - 1) {
            throw new IllegalArgumentException("pattern: '" + pattern + "' (expected: '*' only at the start of the host and the end of "
                    + "the path, and no port)");
        }
    }

    /**
     * The route of {@code pattern} to {@code script} in zone {@code zone}, as the file, an import
     * and the API take one: a pattern by the rules above whose host lies in the zone, and a script
     * name by {@link WorkerScript#NAME}.
     *
     * @throws IllegalArgumentException worded {@code "field: value (expected: …)"}, the field
     *                                  {@code pattern} or {@code script}
     */
    public static WorkerRoute of(String zone, String pattern, String script) {
        if (script == null || !WorkerScript.NAME.matcher(script).matches()) {
            throw new IllegalArgumentException("script: " + (script == null ? "missing" : "'" + script + "'")
                    + " (expected: the name of a Worker: lower-case letters, digits, '-' and '_', at most 63)");
        }
        WorkerRoute route = new WorkerRoute(pattern == null ? "" : pattern, script);
        if (!route.inZone(zone)) {
            throw new IllegalArgumentException("pattern: '" + route.pattern() + "' is not in zone " + zone
                    + " (expected: a host of the zone, e.g. " + zone + "/*)");
        }
        return route;
    }

    /** The host part without its wildcard, e.g. {@code .example.com} for {@code *.example.com/*}. */
    String host() {
        String host = pattern.substring(0, pattern.indexOf('/'));
        return hostWildcard() ? host.substring(1) : host;
    }

    boolean hostWildcard() {
        return pattern.startsWith("*");
    }

    /** The path part without its wildcard. */
    String path() {
        String path = pattern.substring(pattern.indexOf('/'));
        return pathWildcard() ? path.substring(0, path.length() - 1) : path;
    }

    boolean pathWildcard() {
        return pattern.endsWith("*");
    }

    /** Whether the pattern's host lies in {@code zone} (a route of one zone never takes another's requests). */
    public boolean inZone(String zone) {
        String host = host();
        String bare = host.startsWith(".") ? host.substring(1) : host;
        return bare.equals(zone) || bare.endsWith("." + zone) || hostWildcard() && zone.endsWith(host);
    }

    /**
     * Whether a request for {@code host} (lower case, no port) and {@code path} (the request
     * target's path, without the query) runs this route's script.
     */
    public boolean matches(String host, String path) {
        boolean hostMatches = hostWildcard() ? host.endsWith(host()) : host.equals(host());
        if (!hostMatches) {
            return false;
        }
        return pathWildcard() ? path.startsWith(path()) : path.equals(path());
    }
}
