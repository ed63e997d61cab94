package dev.pier.waf.managed;

import dev.pier.config.ruleset.RuleAction;
import dev.pier.rules.Expression;
import java.util.List;
import java.util.Set;

/**
 * A managed ruleset as shipped: its rules, each with categories (tags such as
 * {@code attack-sqli} and {@code paranoia-level-2}) and a severity, and the anomaly score rule
 * that acts on their sum.
 *
 * @param id      Cloudflare-style 32 hex characters; Pier's OWASP ruleset uses the id of
 *                Cloudflare's, so configurations copied from Cloudflare run it unchanged
 * @param name    shown in docs and logs
 * @param rules   in the order they run
 * @param anomaly the rule that acts when the score reaches the threshold
 */
public record ManagedRuleset(String id, String name, List<Rule> rules, AnomalyRule anomaly) {

    /**
     * @param paranoiaLevel 1 to 4, from the {@code paranoia-level-N} category; rules above
     *                      level 1 are off unless their category is enabled
     */
    public record Rule(String id, String description, Set<String> categories, Severity severity, int paranoiaLevel,
                       Expression expression) {
    }

    public record AnomalyRule(String id, String description, RuleAction action, int scoreThreshold) {
    }
}
