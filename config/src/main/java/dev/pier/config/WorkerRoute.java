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
