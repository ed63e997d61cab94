package dev.pier.edge.admin;

import dev.pier.analytics.UsageRegistry;
import dev.pier.config.MetricsToken;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: every zone's usage in Prometheus text format. It names every zone, so it
 * takes a bearer token whenever the node has one to check: {@code admin.metrics_token_file}'s, or
 * (with a store) an API token with Analytics Read on all zones. A node with neither serves it to
 * anyone who reaches the listener, as a Prometheus exporter does by default.
 *
 * <p>A request without a token, or with one that is not accepted, gets 401 with RFC 6750's
 * {@code WWW-Authenticate: Bearer} challenge (with {@code error="invalid_token"} for a wrong
 * one), and no metric.
 */
public final class MetricsRoute implements AdminRoute {

    static final String PATH = "/metrics";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String REALM = "Bearer realm=\"pier metrics\"";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MetricsRoute.class);

    private final UsageRegistry usage;
    private final Supplier<MetricsToken> metricsToken;
    private final MetricsReaders apiTokens;

    /**
     * @param metricsToken the configured token, read at each request (a reload changes it); null for none
     * @param apiTokens    the control plane's tokens, or null on a node without a store
     */
    public MetricsRoute(UsageRegistry usage, Supplier<MetricsToken> metricsToken, MetricsReaders apiTokens) {
        this.usage = usage;
        this.metricsToken = metricsToken;
        this.apiTokens = apiTokens;
    }

    /** Whether a request must carry a token: the node has a token to check it against. */
    public boolean tokenRequired() {
        return metricsToken.get() != null || apiTokens != null;
    }

    @Override
    public String prefix() {
        return PATH;
    }

    @Override
    public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return new Response(405, "text/plain; charset=utf-8", text("Only GET is served here.\n"), Map.of("allow", "GET, HEAD"));
        }
        if (!uri.split("\\?", 2)[0].equals(PATH)) {
            return new Response(404, "text/plain; charset=utf-8", text("Not found (try /metrics)\n"));
        }
        if (!tokenRequired()) {
            return new Response(200, PROMETHEUS_TEXT, text(usage.scrape()));
        }
        String authorization = headers.get("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refused(REALM, "/metrics needs a bearer token: Authorization: Bearer <token>.\n");
        }
        String presented = authorization.substring(7).strip();
        MetricsToken configured = metricsToken.get();
        boolean accepted;
        try {
            accepted = configured != null && configured.matches(presented) || apiTokens != null && apiTokens.accepts(presented);
        } catch (RuntimeException e) {
            LOG.warn("admin: a /metrics token could not be checked: {}", e.toString());
            return new Response(503, "text/plain; charset=utf-8", text("The token cannot be checked now; the log has the details.\n"));
        }
        if (!accepted) {
            return refused(REALM + ", error=\"invalid_token\"", "This token is not accepted for /metrics (docs/OPERATIONS.md, \"Metrics\").\n");
        }
        return new Response(200, PROMETHEUS_TEXT, text(usage.scrape()), Map.of(), true);
    }

    private static Response refused(String challenge, String message) {
        return new Response(401, "text/plain; charset=utf-8", text(message), Map.of("www-authenticate", challenge));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
