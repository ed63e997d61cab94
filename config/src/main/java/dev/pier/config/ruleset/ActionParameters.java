package dev.pier.config.ruleset;

import java.util.List;
import java.util.Set;

/**
 * Cloudflare's {@code action_parameters}; each part is null unless the action uses it.
 *
 * @param response a custom response, for {@code block}
 * @param skip     what {@code skip} skips
 * @param execute  the managed ruleset {@code execute} runs, and its overrides
 * @param route    where {@code route} sends the request
 */
public record ActionParameters(Response response, Skip skip, Execute execute, Route route) {

    public static final ActionParameters NONE = new ActionParameters(null, null, null, null);

    /**
     * A custom response.
     *
     * @param statusCode  400 to 499
     * @param content     the body
     * @param contentType text/plain, text/html, application/json or text/xml
     */
    public record Response(int statusCode, String content, String contentType) {
    }

    /**
     * @param currentRuleset skip the rest of this ruleset
     * @param phases         phases not to run for this request
     * @param products       Cloudflare's product names ({@code waf} and {@code rateLimit} map to
     *                       Pier's managed rules and rate limiting; Pier has none of the others)
     */
    public record Skip(boolean currentRuleset, Set<Phase> phases, Set<String> products) {
        public static final Set<String> PRODUCTS =
                Set.of("zoneLockdown", "uaBlock", "bic", "hot", "securityLevel", "rateLimit", "waf");

        public Skip {
            phases = Set.copyOf(phases);
            products = Set.copyOf(products);
        }

        /** Whether this skip leaves out a phase, by its name or by its legacy product name. */
        public boolean skips(Phase phase) {
            return phases.contains(phase)
                    || phase == Phase.HTTP_RATELIMIT && products.contains("rateLimit")
                    || phase == Phase.HTTP_REQUEST_FIREWALL_MANAGED && products.contains("waf");
        }
    }

    /**
     * @param id        the managed ruleset to run
     * @param overrides changes to its rules, or {@link Overrides#NONE}
     */
    public record Execute(String id, Overrides overrides) {
    }

    /**
     * Cloudflare's {@code overrides}: for the whole ruleset, per category (tag) and per rule.
     * A rule override beats a category override, which beats the ruleset override; among
     * categories the last one listed wins.
     *
     * @param enabled    null to leave as is
     * @param action     null to leave as is
     * @param categories per tag, such as {@code paranoia-level-2} or {@code attack-sqli}
     * @param rules      per rule id
     */
    public record Overrides(Boolean enabled, RuleAction action, List<CategoryOverride> categories,
                            List<RuleOverride> rules) {
        public static final Overrides NONE = new Overrides(null, null, List.of(), List.of());

        public Overrides {
            categories = List.copyOf(categories);
            rules = List.copyOf(rules);
        }
    }

    public record CategoryOverride(String category, Boolean enabled, RuleAction action) {
    }

    /** @param scoreThreshold for an anomaly score rule: the score at and above which it acts; null to leave as is */
    public record RuleOverride(String id, Boolean enabled, RuleAction action, Integer scoreThreshold) {
    }

    /**
     * Origin rules' {@code route}: each part null when not overridden.
     *
     * @param hostHeader the Host header the origin gets (and the TLS server name to it)
     * @param originHost a host name or address to connect to instead of the DNS record's content
     * @param originPort a port to connect to instead of the one the client used
     */
    public record Route(String hostHeader, String originHost, Integer originPort) {
    }
}
