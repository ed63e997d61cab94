package dev.pier.edge.security;

import dev.pier.analytics.RequestLog;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The request path's security invariant and the zone that makes it observable.
 *
 * <p>The zone {@code t.test} (and {@code *.t.test}) has two custom rules: {@value #EVALUATED_RULE}
 * logs every request the WAF evaluates (so its request log record names the rule), and
 * {@value #BLOCK_RULE} blocks paths under {@code /admin}. The invariant: the requests an origin
 * parsed are exactly the requests the WAF evaluated and let through to it, in order, with the
 * same method, path and host. A request the edge refuses (a 4xx, before or by the WAF) reaches
 * no origin; a smuggled request, one the WAF never saw, breaks it.
 */
final class RequestPathInvariant {

    static final String EVALUATED_RULE = "evaluated";
    static final String BLOCK_RULE = "no-admin";

    private RequestPathInvariant() {
    }

    /** The edge's configuration: the zone {@code t.test} in front of an origin on {@code originPort}. */
    static String edgeYaml(int originPort) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                request_log: requests.ndjson
                timeouts:
                  origin_connect: 2s
                  origin_response: 3s
                  close_grace: 1s
                zones:
                  - name: t.test
                    settings:
                      websockets: on
                    dns_records:
                      - { type: A, name: t.test, content: 127.0.0.1 }
                      - { type: CNAME, name: "*.t.test", content: 127.0.0.1 }
                    rulesets:
                      - phase: http_request_origin
                        rules:
                          - { expression: 'true', action: route, action_parameters: { origin: { port: %d } } }
                      - phase: http_request_firewall_custom
                        rules:
                          - { id: %s, expression: 'true', action: log }
                          - { id: %s, expression: 'starts_with(http.request.uri.path, "/admin")', action: block }
                """.formatted(originPort, EVALUATED_RULE, BLOCK_RULE);
    }

    /**
     * The requests the WAF evaluated and the edge sent on to the origin, in the order the edge
     * finished them (one exchange at a time per connection, so request order): evaluated by
     * {@value #EVALUATED_RULE}, not ended by a terminating action, and given an origin address.
     */
    static List<SeenRequest> forwardedByWaf(List<RequestLog> logs) {
        return logs.stream()
                .filter(log -> log.securityRuleIds != null && log.securityRuleIds.contains(EVALUATED_RULE))
                .filter(log -> log.securityAction == null && log.originIp != null)
                .map(SeenRequest::byWaf)
                .toList();
    }

    /** Null when the invariant holds, else what each side saw, for a failure message. */
    static String violation(List<RequestLog> logs, List<SeenRequest> parsedByOrigin) {
        List<SeenRequest> forwarded = forwardedByWaf(logs);
        if (forwarded.equals(parsedByOrigin)) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        boolean admin = parsedByOrigin.stream().anyMatch(r -> r.path().toLowerCase(java.util.Locale.ROOT).startsWith("/admin"));
        if (admin) {
            out.append("a request for /admin reached the origin (the WAF blocks /admin). ");
        }
        out.append("The WAF evaluated and let through ").append(forwarded)
                .append(", the origin parsed ").append(parsedByOrigin)
                .append("; the edge's records: ").append(describe(logs));
        return out.toString();
    }

    private static String describe(List<RequestLog> logs) {
        if (logs.isEmpty()) {
            return "none";
        }
        return logs.stream().map(log -> "[" + log.clientRequestMethod + " " + log.clientRequestUri + " Host: "
                        + log.clientRequestHost + " -> " + log.edgeResponseStatus
                        + (log.edgeError != null ? " " + log.edgeError : "")
                        + (log.securityRuleIds != null ? " rules " + log.securityRuleIds : " (not evaluated)")
                        + (log.originIp != null ? " sent to origin" : "") + "]")
                .collect(Collectors.joining(" "));
    }
}
