package dev.pier.config.ruleset;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The request phases Pier runs, in the order it runs them for every request (and so for every
 * WebSocket upgrade request, never after the 101). This is Cloudflare's order: origin rules,
 * then custom rules, then rate limiting, then managed rules.
 */
public enum Phase {
    HTTP_REQUEST_ORIGIN("http_request_origin"),
    HTTP_REQUEST_FIREWALL_CUSTOM("http_request_firewall_custom"),
    HTTP_RATELIMIT("http_ratelimit"),
    HTTP_REQUEST_FIREWALL_MANAGED("http_request_firewall_managed");

    private final String id;

    Phase(String id) {
        this.id = id;
    }

    /** The phase's name in Cloudflare's API, e.g. {@code http_request_firewall_custom}. */
    public String id() {
        return id;
    }

    /** The phase of that name, or null. */
    public static Phase of(String id) {
        for (Phase p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        return null;
    }

    static String names() {
        return Arrays.stream(values()).map(Phase::id).collect(Collectors.joining(", "));
    }
}
