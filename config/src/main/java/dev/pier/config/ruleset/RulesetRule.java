package dev.pier.config.ruleset;

/**
 * One rule of a ruleset, in Cloudflare's shape.
 *
 * @param id          the rule's id; the request log names it when the rule acts
 * @param ref         a stable reference kept across edits (Cloudflare's {@code ref}); may be null
 * @param expression  a Rules language expression, as written
 * @param action      what the rule does when the expression matches
 * @param parameters  the action's parameters; {@link ActionParameters#NONE} when there are none
 * @param description free text
 * @param enabled     a disabled rule is kept but never runs
 * @param ratelimit   for the {@code http_ratelimit} phase: the rate limit; null elsewhere
 * @param logging     for {@code skip}: whether a match is logged (Cloudflare's {@code logging.enabled})
 */
public record RulesetRule(String id, String ref, String expression, RuleAction action, ActionParameters parameters,
                          String description, boolean enabled, RateLimit ratelimit, boolean logging) {
}
