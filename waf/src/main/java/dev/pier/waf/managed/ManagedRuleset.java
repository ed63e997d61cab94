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
     * @param prefilter     literals any match must contain (one at least); empty: the rule always runs
     * @param targets       for a rule over {@code waf.input}: which inputs it runs on, each on its
     *                      own; empty for a rule over the whole request
     * @param matchesTokens for a per-input rule: whether it can match a bare token (only a-z, 0-9,
     *                      _ and -, the shape of most ids and session tokens); if not, it is not
     *                      run on such inputs
     * @param views         for a per-input rule: the views of each input it looks at, the decoded
     *                      view first and then those built on it ({@link View}); empty for a rule
     *                      over the whole request
     */
    public record Rule(String id, String description, Set<String> categories, Severity severity, int paranoiaLevel,
                       Expression expression, List<String> prefilter, Set<Target> targets, boolean matchesTokens,
                       List<View> views) {

        public boolean perInput() {
            return !targets.isEmpty();
        }
    }

    /** The inputs a per-input rule looks at. */
    public enum Target {
        /** The path, query argument names and values, cookie names and values ({@code waf.args}). */
        ARGS,
        /** Header values a browser does not fill itself ({@code waf.headers}). */
        HEADERS
    }

    public record AnomalyRule(String id, String description, RuleAction action, int scoreThreshold) {
    }
}
