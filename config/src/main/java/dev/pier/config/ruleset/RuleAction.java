package dev.pier.config.ruleset;

import java.util.Locale;

/** What a matching rule does, by its name in Cloudflare's API. */
public enum RuleAction {
    /** Ends the request: 403 (429 for rate limiting) or the rule's own response. */
    BLOCK,
    /** Notes the match in the request log and goes on. */
    LOG,
    /** Skips the rest of the ruleset, or named phases or products. */
    SKIP,
    /** Runs a managed ruleset, with overrides. */
    EXECUTE,
    /** A browser must pass a challenge page first; an upgrade request without clearance is refused. */
    MANAGED_CHALLENGE,
    JS_CHALLENGE,
    CHALLENGE,
    /** Origin rules: another origin host, port or Host header. */
    ROUTE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action of that name, or null. */
    public static RuleAction of(String id) {
        for (RuleAction a : values()) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        return null;
    }

    public boolean isChallenge() {
        return this == MANAGED_CHALLENGE || this == JS_CHALLENGE || this == CHALLENGE;
    }
}
