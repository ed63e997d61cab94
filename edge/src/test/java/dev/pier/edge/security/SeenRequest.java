package dev.pier.edge.security;

import dev.pier.analytics.RequestLog;
import dev.pier.config.RoutingTable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request as one party understood it: its method, the path of its target (raw, as the request
 * line has it, without the query) and its host (lower case, without a port).
 */
record SeenRequest(String method, String path, String host) {

    /** {@code scheme://authority/path...}: the absolute form of RFC 9112 §3.2.2. */
    private static final Pattern ABSOLUTE_FORM = Pattern.compile("(?i)^[a-z][a-z0-9+.-]*://([^/?#]*)(.*)$");

    /**
     * What the WAF evaluated, from the request log: the fields it gives the rules are the request
     * line's method, {@code http.request.uri.path} (the target up to {@code ?}) and {@code http.host}
     * (the Host header without its port).
     */
    static SeenRequest byWaf(RequestLog log) {
        String uri = log.clientRequestUri() == null ? "" : log.clientRequestUri();
        return new SeenRequest(log.clientRequestMethod(), pathOf(uri),
                log.clientRequestHost() == null ? "" : RoutingTable.hostOnly(log.clientRequestHost()));
    }

    /**
     * What an origin following RFC 9112 makes of a request line's target and its Host header: an
     * absolute-form target names the host itself and the Host header is ignored (§3.2.2);
     * otherwise the host is the Host header's.
     */
    static SeenRequest byOrigin(String method, String target, String hostHeader) {
        Matcher absolute = ABSOLUTE_FORM.matcher(target);
        if (absolute.matches()) {
            String path = pathOf(absolute.group(2));
            return new SeenRequest(method, path.isEmpty() ? "/" : path, host(absolute.group(1)));
        }
        return new SeenRequest(method, pathOf(target), hostHeader == null ? "" : host(hostHeader));
    }

    /** What an origin resolved by itself (its own path and host), with the host written as the others are. */
    static SeenRequest resolved(String method, String path, String host) {
        return new SeenRequest(method, path == null ? "" : path, host == null ? "" : host(host));
    }

    private static String host(String authority) {
        return authority.isEmpty() ? "" : RoutingTable.hostOnly(authority).toLowerCase(Locale.ROOT);
    }

    /** The target up to its query, as the WAF cuts it: both sides are compared raw, undecoded. */
    private static String pathOf(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    @Override
    public String toString() {
        return method + " " + path + " (host " + host + ")";
    }
}
