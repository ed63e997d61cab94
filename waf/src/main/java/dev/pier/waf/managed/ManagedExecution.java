package dev.pier.waf.managed;

import dev.pier.config.ruleset.ActionParameters;
import dev.pier.config.ruleset.RuleAction;
import dev.pier.rules.Context;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A managed ruleset with an {@code execute} rule's overrides applied, decided once when the
 * configuration is compiled: which rules run, which of them act on their own (an overridden
 * action) rather than only adding to the anomaly score, and the anomaly score rule's threshold
 * and action. A rule override beats a category override, which beats the ruleset override;
 * among categories the last one listed wins, as on Cloudflare.
 */
public final class ManagedExecution {

    /** A rule as it runs here; {@code action} is null for a rule that only scores. */
    private record Running(ManagedRuleset.Rule rule, RuleAction action) {
    }

    /**
     * What one run found.
     *
     * @param score     the WAF attack scores
     * @param points    the anomaly score
     * @param matched   ids of every rule that matched
     * @param logged    ids of rules that matched with action log
     * @param action    the terminating action, or null
     * @param ruleId    the rule that took it (an overridden rule, or the anomaly score rule)
     */
    public record Result(AttackScore score, int points, List<String> matched, List<String> logged,
                         RuleAction action, String ruleId) {
    }

    private final List<Running> rules;
    private final ManagedRuleset.AnomalyRule anomaly;
    private final boolean anomalyEnabled;

    ManagedExecution(ManagedRuleset ruleset, ActionParameters.Overrides overrides) {
        Set<String> known = new HashSet<>();
        ruleset.rules().forEach(r -> known.add(r.id()));
        known.add(ruleset.anomaly().id());
        for (ActionParameters.RuleOverride o : overrides.rules()) {
            if (!known.contains(o.id())) {
                throw new IllegalArgumentException("overrides: rule " + o.id() + " (expected: a rule of " + ruleset.name() + ")");
            }
        }
        List<Running> running = new ArrayList<>();
        for (ManagedRuleset.Rule rule : ruleset.rules()) {
            boolean enabled = rule.paranoiaLevel() <= 1;
            RuleAction action = null;
            if (overrides.enabled() != null) {
                enabled = overrides.enabled();
            }
            for (ActionParameters.CategoryOverride c : overrides.categories()) {
                if (rule.categories().contains(c.category())) {
                    if (c.enabled() != null) {
                        enabled = c.enabled();
                    }
                    if (c.action() != null) {
                        action = c.action();
                    }
                }
            }
            for (ActionParameters.RuleOverride r : overrides.rules()) {
                if (r.id().equals(rule.id())) {
                    if (r.enabled() != null) {
                        enabled = r.enabled();
                    }
                    if (r.action() != null) {
                        action = r.action();
                    }
                }
            }
            if (enabled) {
                running.add(new Running(rule, action));
            }
        }
        this.rules = List.copyOf(running);
        ManagedRuleset.AnomalyRule a = ruleset.anomaly();
        RuleAction action = overrides.action() != null ? overrides.action() : a.action();
        int threshold = a.scoreThreshold();
        boolean on = overrides.enabled() == null || overrides.enabled();
        for (ActionParameters.RuleOverride r : overrides.rules()) {
            if (r.id().equals(a.id())) {
                action = r.action() != null ? r.action() : action;
                threshold = r.scoreThreshold() != null ? r.scoreThreshold() : threshold;
                on = r.enabled() != null ? r.enabled() : on;
            }
        }
        this.anomaly = new ManagedRuleset.AnomalyRule(a.id(), a.description(), action, threshold);
        this.anomalyEnabled = on;
    }

    /** How many rules run (for tests and docs). */
    public int size() {
        return rules.size();
    }

    public ManagedRuleset.AnomalyRule anomaly() {
        return anomaly;
    }

    /**
     * Runs the rules over a request whose WAF inputs are filled ({@link ManagedInputs#fill}).
     *
     * @param cleared whether a challenge action is already passed by this request
     */
    public Result run(Context request, Predicate<RuleAction> cleared) {
        int total = 0;
        int sqli = 0;
        int xss = 0;
        int rce = 0;
        List<String> matched = new ArrayList<>(2);
        List<String> logged = List.of();
        for (Running r : rules) {
            ManagedRuleset.Rule rule = r.rule();
            if (!rule.expression().matches(request)) {
                continue;
            }
            matched.add(rule.id());
            int points = rule.severity().points();
            total += points;
            if (rule.categories().contains("attack-sqli")) {
                sqli += points;
            } else if (rule.categories().contains("attack-xss")) {
                xss += points;
            } else if (rule.categories().contains("attack-rce")) {
                rce += points;
            }
            if (r.action() == RuleAction.LOG) {
                logged = logged.isEmpty() ? new ArrayList<>(2) : logged;
                logged.add(rule.id());
            } else if (r.action() != null && !cleared.test(r.action())) {
                return new Result(AttackScore.of(total, sqli, xss, rce), total, matched, logged, r.action(), rule.id());
            }
        }
        AttackScore score = AttackScore.of(total, sqli, xss, rce);
        if (anomalyEnabled && total >= anomaly.scoreThreshold() && total > 0) {
            if (anomaly.action() == RuleAction.LOG) {
                logged = logged.isEmpty() ? new ArrayList<>(2) : logged;
                logged.add(anomaly.id());
            } else if (!cleared.test(anomaly.action())) {
                return new Result(score, total, matched, logged, anomaly.action(), anomaly.id());
            }
        }
        return new Result(score, total, matched, logged, null, null);
    }

    /** Only the scores, never an action. */
    AttackScore score(Context request) {
        return run(request, a -> true).score();
    }
}
