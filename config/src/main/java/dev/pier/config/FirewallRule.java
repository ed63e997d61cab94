package dev.pier.config;

/**
 * A rule of a zone's custom firewall ruleset (Cloudflare's {@code http_request_firewall_custom}
 * phase), in Cloudflare's shape. The expression is kept as written; the edge compiles it.
 *
 * @param id          the rule's id (the request log names it when the rule acts)
 * @param expression  a Rules language expression
 * @param action      {@code block}, {@code log} or {@code skip}
 * @param description free text
 * @param enabled     a disabled rule is kept but never runs
 * @param response    for {@code block}: the custom response, or null for the default 403 page
 */
public record FirewallRule(String id, String expression, Action action, String description, boolean enabled,
                           BlockResponse response) {

    /** What a matching rule does. */
    public enum Action { BLOCK, LOG, SKIP }

    /**
     * Cloudflare's {@code action_parameters.response}.
     *
     * @param statusCode  400 to 499
     * @param content     the body
     * @param contentType its media type
     */
    public record BlockResponse(int statusCode, String content, String contentType) {
    }
}
