package dev.pier.waf.managed;

import dev.pier.config.ruleset.ActionParameters;
import dev.pier.config.ruleset.RuleAction;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pier.rules.Context;
import dev.pier.waf.WafScheme;
import java.util.ArrayList;
import java.util.BitSet;
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

    /** Inputs longer than this are evaluated every time rather than cached: a cache of payloads helps nobody. */
    private static final int CACHED_INPUT_LENGTH = 256;
    /** Per target and per execution (zones with the same overrides share one): a few megabytes at most, whatever attackers send. */
    private static final int CACHED_INPUTS = 4_096;

    private final List<Running> rules;
    private final ManagedRuleset.AnomalyRule anomaly;
    private final boolean anomalyEnabled;
    /** Positions in {@link #rules} of the rules over the whole request. */
    private final int[] requestRules;
    /** Null when every rule runs on every request and input, uncached: for checking that nothing is hidden. */
    private final Prefilter requestPrefilter;
    /** The per-input rules, by target and view. */
    private final List<Pass> passes;

    /**
     * The per-input rules that look at one view of one target's inputs, and those that also
     * look at the SQL view made from it (the SQL view is made from the decoded and the
     * uncommented view, so it is looked at in their passes, and cached with them).
     *
     * @param rules        their positions in {@link #rules}
     * @param prefilter    null when unfiltered (see {@link #requestPrefilter})
     * @param sqlRules     the positions of the rules that look at the SQL view too
     * @param sqlPrefilter for those, or null
     * @param results      per input, which of them matched in the view or its SQL view; null when uncached
     */
    private record Pass(String field, int[] rules, Prefilter prefilter, int[] sqlRules, Prefilter sqlPrefilter,
                        Cache<String, BitSet> results) {
    }

    /** @param prefiltered whether prefilters and the per-input cache are used (always, but in tests) */
    ManagedExecution(ManagedRuleset ruleset, ActionParameters.Overrides overrides, boolean prefiltered) {
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
        this.requestRules = positions(r -> !r.perInput());
        this.requestPrefilter = prefiltered ? prefilter(requestRules) : null;
        List<Pass> passes = new ArrayList<>();
        for (ManagedRuleset.Target target : ManagedRuleset.Target.values()) {
            int[] sql = positions(r -> r.targets().contains(target) && r.views().contains(View.SQL));
            for (View view : List.of(View.DECODED, View.UNCOMMENTED)) {
                int[] positions = positions(r -> r.targets().contains(target) && r.views().contains(view));
                if (positions.length > 0) {
                    passes.add(new Pass(view.field(target), positions, prefiltered ? prefilter(positions) : null,
                            sql, prefiltered ? prefilter(sql) : null,
                            prefiltered ? Caffeine.newBuilder().maximumSize(CACHED_INPUTS).build() : null));
                }
            }
        }
        this.passes = List.copyOf(passes);
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

    private int[] positions(java.util.function.Predicate<ManagedRuleset.Rule> which) {
        return java.util.stream.IntStream.range(0, rules.size()).filter(i -> which.test(rules.get(i).rule())).toArray();
    }

    private Prefilter prefilter(int[] positions) {
        return new Prefilter(java.util.Arrays.stream(positions).mapToObj(i -> rules.get(i).rule().prefilter()).toList());
    }

    /**
     * Runs the rules over a request whose WAF inputs are filled ({@link ManagedInputs#fill}):
     * the per-input rules on each input (from the cache when the input was seen before), the
     * others once on the request; then, in the ruleset's order, the points add up and the first
     * rule with an action of its own acts.
     *
     * @param cleared whether a challenge action is already passed by this request
     */
    @SuppressWarnings("unchecked")
    public Result run(Context request, Predicate<RuleAction> cleared) {
        BitSet hits = new BitSet(rules.size());
        for (Pass pass : passes) {
            for (String input : (List<String>) request.get(pass.field())) {
                hits.or(inputHits(input, pass));
            }
        }
        BitSet candidates = requestPrefilter == null ? null : requestPrefilter.candidates(ManagedInputs.all(request));
        for (int k = 0; k < requestRules.length; k++) {
            if ((candidates == null || candidates.get(k)) && rules.get(requestRules[k]).rule().expression().matches(request)) {
                hits.set(requestRules[k]);
            }
        }
        int total = 0;
        int sqli = 0;
        int xss = 0;
        int rce = 0;
        List<String> matched = new ArrayList<>(2);
        List<String> logged = List.of();
        for (int i = hits.nextSetBit(0); i >= 0; i = hits.nextSetBit(i + 1)) {
            Running r = rules.get(i);
            ManagedRuleset.Rule rule = r.rule();
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

    /** The positions (in {@link #rules}) of the pass's rules that match one input. */
    private BitSet inputHits(String input, Pass pass) {
        if (pass.results() == null || input.length() > CACHED_INPUT_LENGTH || isToken(input)) {
            // Tokens are mostly one-offs (session ids, nonces) that would only churn the cache,
            // and the few rules that can match a token are quick to run on one.
            return evaluate(input, pass);
        }
        return pass.results().get(input, in -> evaluate(in, pass));
    }

    private BitSet evaluate(String input, Pass pass) {
        BitSet hits = evaluate(input, pass.rules(), pass.prefilter());
        BitSet sql = sqlView(input, pass);
        if (sql.isEmpty()) {
            return hits;
        }
        if (hits.isEmpty()) {
            return sql;
        }
        BitSet both = (BitSet) hits.clone();
        both.or(sql);
        return both;
    }

    /**
     * The rules that look at the SQL view, on the SQL view of an input's decoded or uncommented view. The SQL view
     * only adds spaces, so every literal it holds the view it is made from holds too: where none
     * of the rules' literals occur, it is not made at all. Where it is the same text, the rules
     * have looked at it already (they look at the views before it).
     */
    private BitSet sqlView(String input, Pass pass) {
        if (pass.sqlRules().length == 0
                || pass.sqlPrefilter() != null && pass.sqlPrefilter().candidates(List.of(input)).isEmpty()) {
            return EMPTY;
        }
        String sql = Normalizer.sql(input);
        return sql.equals(input) ? EMPTY : evaluate(sql, pass.sqlRules(), pass.sqlPrefilter());
    }

    private BitSet evaluate(String input, int[] targetRules, Prefilter prefilter) {
        BitSet candidates = prefilter == null ? null : prefilter.candidates(List.of(input));
        if (candidates != null && isToken(input)) {
            for (int k = candidates.nextSetBit(0); k >= 0; k = candidates.nextSetBit(k + 1)) {
                if (!rules.get(targetRules[k]).rule().matchesTokens()) {
                    candidates.clear(k);
                }
            }
        }
        if (candidates != null && candidates.isEmpty()) {
            return EMPTY;
        }
        Context one = new Context(WafScheme.SCHEME).set(WafScheme.INPUT, input);
        BitSet hits = new BitSet(rules.size());
        for (int k = 0; k < targetRules.length; k++) {
            if ((candidates == null || candidates.get(k)) && rules.get(targetRules[k]).rule().expression().matches(one)) {
                hits.set(targetRules[k]);
            }
        }
        return hits.isEmpty() ? EMPTY : hits;
    }

    /** Only a-z, 0-9, _ and -: ids, hashes, most session tokens (inputs are lower case already). */
    private static boolean isToken(String input) {
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Never modified: callers only read it or {@code or} it into their own. */
    private static final BitSet EMPTY = new BitSet(0);

    /** Only the scores, never an action. */
    AttackScore score(Context request) {
        return run(request, a -> true).score();
    }
}
