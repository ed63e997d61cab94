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
 * same method, path and host, except requests the client got an error for. A request the edge
 * refuses (a 4xx, before or by the WAF) reaches no origin; a smuggled request, one the WAF never
 * saw, breaks it.
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
     * The requests the WAF evaluated and let through, in the order the edge finished them (one
     * exchange at a time per connection, so request order): evaluated by {@value #EVALUATED_RULE}
     * and not ended by a terminating action.
     */
    static List<RequestLog> letThroughByWaf(List<RequestLog> logs) {
        return logs.stream()
                .filter(log -> log.securityRuleIds() != null && log.securityRuleIds().contains(EVALUATED_RULE))
                .filter(log -> log.securityAction() == null)
                .toList();
    }

    /**
     * Null when the invariant holds, else what each side saw, for a failure message. Every request
     * the origin parsed must be, in order, a request the WAF evaluated and let through, with the
     * same method, path and host. A request the WAF let through may be missing at the origin only
     * when the client got an error for it (the edge refused it after the WAF, say for a bad chunk
     * in its body, or the origin's parser refused it): a request that got a success must have been
     * parsed by the origin.
     */
    static String violation(List<RequestLog> logs, List<SeenRequest> parsedByOrigin) {
        List<RequestLog> letThrough = letThroughByWaf(logs);
        int parsed = 0;
        for (RequestLog log : letThrough) {
            if (parsed < parsedByOrigin.size() && parsedByOrigin.get(parsed).equals(SeenRequest.byWaf(log))) {
                parsed++;
            } else if (log.edgeResponseStatus() < 400) {
                return report("the edge answered " + SeenRequest.byWaf(log) + " with " + log.edgeResponseStatus()
                        + " but the origin did not parse it there. ", letThrough, parsedByOrigin, logs);
            }
        }
        if (parsed < parsedByOrigin.size()) {
            boolean admin = parsedByOrigin.stream().skip(parsed)
                    .anyMatch(r -> r.path().toLowerCase(java.util.Locale.ROOT).startsWith("/admin"));
            return report((admin ? "a request for /admin reached the origin (the WAF blocks /admin). " : "")
                    + "The origin parsed " + parsedByOrigin.subList(parsed, parsedByOrigin.size())
                    + " that the WAF did not let through. ", letThrough, parsedByOrigin, logs);
        }
        return null;
    }

    private static String report(String what, List<RequestLog> letThrough, List<SeenRequest> parsedByOrigin, List<RequestLog> logs) {
        return what + "The WAF evaluated and let through " + letThrough.stream().map(SeenRequest::byWaf).toList()
                + ", the origin parsed " + parsedByOrigin + "; the edge's records: " + describe(logs);
    }

    private static String describe(List<RequestLog> logs) {
        if (logs.isEmpty()) {
            return "none";
        }
        return logs.stream().map(log -> "[" + log.clientRequestMethod() + " " + log.clientRequestUri() + " Host: "
                        + log.clientRequestHost() + " -> " + log.edgeResponseStatus()
                        + (log.edgeError() != null ? " " + log.edgeError() : "")
                        + (log.securityRuleIds() != null ? " rules " + log.securityRuleIds() : " (not evaluated)")
                        + (log.originIp() != null ? " sent to origin" : "") + "]")
                .collect(Collectors.joining(" "));
    }
}
