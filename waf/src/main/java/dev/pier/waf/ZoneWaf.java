package dev.pier.waf;

import dev.pier.config.Zone;
import dev.pier.config.ruleset.ActionParameters;
import dev.pier.config.ruleset.Phase;
import dev.pier.config.ruleset.RateLimit;
import dev.pier.config.ruleset.RuleAction;
import dev.pier.config.ruleset.Ruleset;
import dev.pier.config.ruleset.RulesetRule;
import dev.pier.rules.Context;
import dev.pier.rules.EvaluationBudgetExceeded;
import dev.pier.rules.Expression;
import dev.pier.rules.RuleException;
import dev.pier.waf.managed.AttackScore;
import dev.pier.waf.managed.ManagedExecution;
import dev.pier.waf.managed.ManagedInputs;
import dev.pier.waf.managed.ManagedRulesets;
import dev.pier.waf.ratelimit.RateLimiter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A zone's rulesets, compiled once per configuration snapshot and run for every request in
 * Cloudflare's order: origin rules, custom rules, rate limiting, managed rules. Only the rate
 * limiting phase may wait (for shared counters in Redis); everything else runs on the caller's
 * thread, and without shared counters the returned stage is already complete.
 *
 * <p>The rules of one request spend from the budget set on its context ({@link Context#budget});
 * when it runs out, evaluation stops there and the verdict blocks the request
 * ({@link Verdict#budgetExceeded()}): a request the rules could not finish judging never
 * reaches the origin. Each phase's ruleset is bounded when compiled ({@link RulesetLimits}).
 */
public final class ZoneWaf {

    public static final ZoneWaf NONE = new ZoneWaf();

    private record Rule(RulesetRule rule, Expression expression) {
    }

    private record LimitRule(RulesetRule rule, Expression expression, Expression counting, List<Expression> characteristics) {
    }

    private record ManagedRule(RulesetRule rule, Expression expression, ManagedExecution execution) {
    }

    private final String zone;
    private final List<Rule> origin;
    private final List<Rule> custom;
    private final List<LimitRule> rateLimits;
    private final List<ManagedRule> managed;
    private final Set<String> fields;
    private final boolean scoresBeforeCustom;
    private final WafRuntime runtime;

    private ZoneWaf() {
        this.zone = "";
        this.origin = List.of();
        this.custom = List.of();
        this.rateLimits = List.of();
        this.managed = List.of();
        this.fields = Set.of();
        this.scoresBeforeCustom = false;
        this.runtime = null;
    }

    private ZoneWaf(String zone, List<Rule> origin, List<Rule> custom, List<LimitRule> rateLimits, List<ManagedRule> managed,
                    WafRuntime runtime) {
        this.zone = zone;
        this.origin = List.copyOf(origin);
        this.custom = List.copyOf(custom);
        this.rateLimits = List.copyOf(rateLimits);
        this.managed = List.copyOf(managed);
        this.runtime = runtime;
        Set<String> used = new TreeSet<>();
        for (Rule r : origin) {
            used.addAll(r.expression().fields());
        }
        for (Rule r : custom) {
            used.addAll(r.expression().fields());
            if (r.rule().action().isChallenge()) {
                used.addAll(List.of("http.request.cookies", "ip.src", "http.user_agent"));
            }
        }
        for (LimitRule r : rateLimits) {
            used.addAll(r.expression().fields());
            if (r.counting() != null) {
                used.addAll(r.counting().fields());
            }
            r.characteristics().forEach(c -> used.addAll(c.fields()));
            used.addAll(List.of("http.request.cookies", "ip.src", "http.user_agent"));
        }
        for (ManagedRule r : managed) {
            used.addAll(r.expression().fields());
        }
        this.scoresBeforeCustom = used.stream().anyMatch(f -> f.startsWith("cf.waf.score"));
        if (!managed.isEmpty() || scoresBeforeCustom) {
            used.addAll(ManagedInputs.SOURCES);
            used.addAll(List.of("http.request.cookies", "ip.src", "http.user_agent"));
        }
        this.fields = Set.copyOf(used);
    }

    /**
     * Compiles a zone's rulesets.
     *
     * @throws RuleCompileException naming the zone, phase and rule when an expression is not
     *         valid or a managed ruleset is unknown
     */
    public static ZoneWaf compile(Zone zone, WafRuntime runtime) {
        return compile(zone, runtime, null);
    }

    /**
     * Compiles a zone's rulesets, checking that every {@code $list} they name is one of
     * {@code lists} (null: not checked).
     *
     * @throws RuleCompileException naming the zone, phase and rule of a bad expression, an
     *         unknown list or an unknown managed ruleset, or the phase of a ruleset over its limits
     */
    public static ZoneWaf compile(Zone zone, WafRuntime runtime, Set<String> lists) {
        if (zone.rulesets().isEmpty()) {
            return NONE;
        }
        ZoneWaf waf = compileAll(zone, runtime);
        if (lists != null) {
            waf.checkLists(zone, lists);
        }
        return waf;
    }

    private static ZoneWaf compileAll(Zone zone, WafRuntime runtime) {
        for (Ruleset ruleset : zone.rulesets()) {
            RulesetLimits.checkRuleCount(zone, ruleset);
        }
        List<Rule> origin = simple(zone, Phase.HTTP_REQUEST_ORIGIN);
        List<Rule> custom = simple(zone, Phase.HTTP_REQUEST_FIREWALL_CUSTOM);
        List<LimitRule> limits = new ArrayList<>();
        List<ManagedRule> managed = new ArrayList<>();
        Ruleset rl = zone.ruleset(Phase.HTTP_RATELIMIT);
        if (rl != null) {
            for (RulesetRule r : enabled(rl)) {
                RateLimit limit = r.ratelimit();
                List<Expression> characteristics = new ArrayList<>();
                for (String c : limit.characteristics()) {
                    characteristics.add(compile(zone, rl.phase(), r, c, true));
                }
                Expression counting = limit.countingExpression().isBlank() ? null
                        : compile(zone, rl.phase(), r, limit.countingExpression(), false);
                limits.add(new LimitRule(r, compile(zone, rl.phase(), r, r.expression(), false), counting, characteristics));
            }
        }
        Ruleset m = zone.ruleset(Phase.HTTP_REQUEST_FIREWALL_MANAGED);
        if (m != null) {
            for (RulesetRule r : enabled(m)) {
                ManagedExecution execution = null;
                if (r.action() == RuleAction.EXECUTE) {
                    try {
                        execution = runtime.managed().execute(r.parameters().execute());
                    } catch (IllegalArgumentException e) {
                        throw new RuleCompileException(zone.name(), m.phase(), r.id(), 0, e.getMessage(), e);
                    }
                }
                managed.add(new ManagedRule(r, compile(zone, m.phase(), r, r.expression(), false), execution));
            }
        }
        RulesetLimits.checkCost(zone, Phase.HTTP_REQUEST_ORIGIN, origin.stream().map(Rule::expression).toList());
        RulesetLimits.checkCost(zone, Phase.HTTP_REQUEST_FIREWALL_CUSTOM, custom.stream().map(Rule::expression).toList());
        List<Expression> limitExpressions = new ArrayList<>();
        for (LimitRule r : limits) {
            limitExpressions.add(r.expression());
            if (r.counting() != null) {
                limitExpressions.add(r.counting());
            }
            limitExpressions.addAll(r.characteristics());
        }
        RulesetLimits.checkCost(zone, Phase.HTTP_RATELIMIT, limitExpressions);
        RulesetLimits.checkCost(zone, Phase.HTTP_REQUEST_FIREWALL_MANAGED, managed.stream().map(ManagedRule::expression).toList());
        return new ZoneWaf(zone.name(), origin, custom, limits, managed, runtime);
    }

    private static List<Rule> simple(Zone zone, Phase phase) {
        Ruleset ruleset = zone.ruleset(phase);
        List<Rule> out = new ArrayList<>();
        if (ruleset != null) {
            for (RulesetRule r : enabled(ruleset)) {
                out.add(new Rule(r, compile(zone, phase, r, r.expression(), false)));
            }
        }
        return out;
    }

    private static List<RulesetRule> enabled(Ruleset ruleset) {
        return ruleset.rules().stream().filter(RulesetRule::enabled).toList();
    }

    private static Expression compile(Zone zone, Phase phase, RulesetRule rule, String source, boolean value) {
        try {
            return value ? Expression.parseValue(WafScheme.SCHEME, source) : Expression.parse(WafScheme.SCHEME, source);
        } catch (RuleException e) {
            throw new RuleCompileException(zone.name(), phase, rule.id(), e.column(), e.getMessage(), e);
        }
    }

    private void checkLists(Zone zone, Set<String> known) {
        for (Rule r : origin) {
            missing(zone, Phase.HTTP_REQUEST_ORIGIN, r.rule(), r.expression(), known);
        }
        for (Rule r : custom) {
            missing(zone, Phase.HTTP_REQUEST_FIREWALL_CUSTOM, r.rule(), r.expression(), known);
        }
        for (LimitRule r : rateLimits) {
            missing(zone, Phase.HTTP_RATELIMIT, r.rule(), r.expression(), known);
        }
        for (ManagedRule r : managed) {
            missing(zone, Phase.HTTP_REQUEST_FIREWALL_MANAGED, r.rule(), r.expression(), known);
        }
    }

    private static void missing(Zone zone, Phase phase, RulesetRule rule, Expression e, Set<String> known) {
        for (String list : e.lists()) {
            if (!known.contains(list)) {
                throw new RuleCompileException(zone.name(), phase, rule.id(), 0, "$" + list
                        + " is not a list (expected one of: " + (known.isEmpty() ? "none defined" : String.join(", ", new TreeSet<>(known))) + ")", null);
            }
        }
    }

    public boolean isEmpty() {
        return origin.isEmpty() && custom.isEmpty() && rateLimits.isEmpty() && managed.isEmpty();
    }

    /** The request fields some rule reads: the edge fills only these. */
    public Set<String> fields() {
        return fields;
    }

    /**
     * Runs the phases over one request's fields, on the caller's thread.
     *
     * @param request   the request's fields (at least {@link #fields()}); the WAF adds its own.
     *                  Its budget ({@link Context#budget}) bounds what the rules may spend.
     * @param nowMillis the request's time
     */
    public CompletionStage<Verdict> evaluate(Context request, long nowMillis) {
        return evaluate(request, nowMillis, Runnable::run);
    }

    /**
     * Runs the phases over one request's fields; what follows an answer from shared rate limit
     * counters (the later rate limits, the managed rules) runs on {@code continueOn}, the
     * connection's event loop, never on the Redis client's thread.
     */
    public CompletionStage<Verdict> evaluate(Context request, long nowMillis, java.util.concurrent.Executor continueOn) {
        Verdict verdict = new Verdict();
        try {
            return phases(request, nowMillis, verdict, continueOn);
        } catch (EvaluationBudgetExceeded e) {
            return CompletableFuture.completedFuture(verdict); // the rule where it ran out is in the verdict
        }
    }

    /**
     * Whether a rule's expression matches. When the request's budget runs out in it, the
     * verdict blocks the request, naming the rule, and the exception ends the phases.
     */
    private static boolean matches(Expression expression, RulesetRule rule, String source, Context request, Verdict verdict) {
        try {
            return expression.matches(request);
        } catch (EvaluationBudgetExceeded e) {
            verdict.budgetExceeded(rule.id(), source);
            throw e;
        }
    }

    private CompletionStage<Verdict> phases(Context request, long nowMillis, Verdict verdict,
                                            java.util.concurrent.Executor continueOn) {
        for (Rule r : origin) {
            if (matches(r.expression(), r.rule(), Verdict.ORIGIN_RULES, request, verdict)) {
                verdict.route(r.rule().parameters().route());
            }
        }
        if (!managed.isEmpty() || scoresBeforeCustom) {
            ManagedInputs.fill(request);
        }
        if (scoresBeforeCustom) {
            AttackScore score;
            try {
                score = runtime.managed().attackScore(request);
            } catch (EvaluationBudgetExceeded e) {
                verdict.budgetExceeded(ManagedRulesets.OWASP, Verdict.FIREWALL_MANAGED);
                throw e;
            }
            score.into(request);
            verdict.scores(score.overall(), score.sqli(), score.xss(), score.rce());
        }
        Set<Phase> skipped = EnumSet.noneOf(Phase.class);
        for (Rule r : custom) {
            if (!matches(r.expression(), r.rule(), Verdict.FIREWALL_CUSTOM, request, verdict)) {
                continue;
            }
            RulesetRule rule = r.rule();
            switch (rule.action()) {
                case LOG -> verdict.acted("log", rule.id(), Verdict.FIREWALL_CUSTOM);
                case SKIP -> {
                    if (rule.logging()) {
                        verdict.acted("skip", rule.id(), Verdict.FIREWALL_CUSTOM);
                    }
                    ActionParameters.Skip skip = rule.parameters().skip();
                    for (Phase p : Phase.values()) {
                        if (skip.skips(p)) {
                            skipped.add(p);
                        }
                    }
                    if (skip.currentRuleset()) {
                        return rateLimits(request, nowMillis, verdict, skipped, 0, continueOn);
                    }
                }
                default -> {
                    if (!cleared(rule.action(), request, nowMillis)) {
                        verdict.terminate(rule.action(), rule.id(), Verdict.FIREWALL_CUSTOM, rule.parameters().response());
                        return CompletableFuture.completedFuture(verdict);
                    }
                }
            }
        }
        return rateLimits(request, nowMillis, verdict, skipped, 0, continueOn);
    }

    private CompletionStage<Verdict> rateLimits(Context request, long now, Verdict verdict, Set<Phase> skipped, int from,
                                                java.util.concurrent.Executor continueOn) {
        if (!skipped.contains(Phase.HTTP_RATELIMIT)) {
            for (int i = from; i < rateLimits.size(); i++) {
                LimitRule r = rateLimits.get(i);
                if (!matches(r.expression(), r.rule(), Verdict.RATE_LIMIT, request, verdict)) {
                    continue;
                }
                boolean counts = r.counting() == null || matches(r.counting(), r.rule(), Verdict.RATE_LIMIT, request, verdict);
                int next = i + 1;
                CompletableFuture<RateLimiter.Outcome> hit = runtime.limiter().hit(key(r, request, verdict), r.rule().ratelimit(),
                        counts, now).toCompletableFuture();
                java.util.function.Function<RateLimiter.Outcome, CompletionStage<Verdict>> then = outcome -> {
                    if (outcome.limited() && limited(r.rule(), request, now, verdict, outcome.retryAfterSeconds())) {
                        return CompletableFuture.completedFuture(verdict);
                    }
                    try {
                        return rateLimits(request, now, verdict, skipped, next, continueOn);
                    } catch (EvaluationBudgetExceeded e) {
                        return CompletableFuture.completedFuture(verdict); // the verdict names the rule
                    }
                };
                // answered already (local counters): go on here; answered later (Redis): go on on the event loop
                return hit.isDone() ? hit.thenCompose(then) : hit.thenComposeAsync(then, continueOn);
            }
        }
        managed(request, now, verdict, skipped);
        return CompletableFuture.completedFuture(verdict);
    }

    /** Acts on a rate limit that was exceeded; returns true when that ends the request. */
    private boolean limited(RulesetRule rule, Context request, long now, Verdict verdict, long retryAfter) {
        if (rule.action() == RuleAction.LOG) {
            verdict.acted("log", rule.id(), Verdict.RATE_LIMIT);
            return false;
        }
        if (cleared(rule.action(), request, now)) {
            return false;
        }
        ActionParameters.Response response = rule.parameters().response();
        verdict.terminate(rule.action(), rule.id(), Verdict.RATE_LIMIT, response);
        verdict.retryAfter(retryAfter);
        return true;
    }

    private void managed(Context request, long now, Verdict verdict, Set<Phase> skipped) {
        if (skipped.contains(Phase.HTTP_REQUEST_FIREWALL_MANAGED)) {
            return;
        }
        for (ManagedRule r : managed) {
            if (!matches(r.expression(), r.rule(), Verdict.FIREWALL_MANAGED, request, verdict)) {
                continue;
            }
            switch (r.rule().action()) {
                case LOG -> verdict.acted("log", r.rule().id(), Verdict.FIREWALL_MANAGED);
                case SKIP -> {
                    if (r.rule().logging()) {
                        verdict.acted("skip", r.rule().id(), Verdict.FIREWALL_MANAGED);
                    }
                    return;
                }
                default -> {
                    ManagedExecution.Result result;
                    try {
                        result = r.execution().run(request, action -> cleared(action, request, now));
                    } catch (EvaluationBudgetExceeded e) {
                        verdict.budgetExceeded(r.rule().id(), Verdict.FIREWALL_MANAGED);
                        throw e;
                    }
                    AttackScore score = result.score();
                    verdict.scores(score.overall(), score.sqli(), score.xss(), score.rce());
                    verdict.managedMatches(result.matched());
                    result.logged().forEach(id -> verdict.acted("log", id, Verdict.FIREWALL_MANAGED));
                    if (result.action() != null) {
                        verdict.terminate(result.action(), result.ruleId(), Verdict.FIREWALL_MANAGED, null);
                        return;
                    }
                }
            }
        }
    }

    /** Whether a challenge action is already passed: the request carries a valid clearance. */
    private boolean cleared(RuleAction action, Context request, long now) {
        if (!action.isChallenge()) {
            return false;
        }
        Object cookies = request.get("http.request.cookies");
        Object ip = request.get("ip.src");
        if (!(cookies instanceof Map<?, ?> jar) || !(ip instanceof InetAddress client)
                || !(jar.get(runtime.clearances().cookieName()) instanceof List<?> values) || values.isEmpty()) {
            return false;
        }
        Object ua = request.get("http.user_agent");
        return runtime.clearances().valid(String.valueOf(values.get(0)), zone, client, ua == null ? "" : ua.toString(), now);
    }

    /**
     * The counter key: a SHA-256 of the zone, the rule and the characteristics' values, each
     * length-prefixed. Zones and rules never share a counter, no value can pose as another
     * (or as a block marker), and a key is 64 characters whatever clients send.
     */
    private String key(LimitRule r, Context request, Verdict verdict) {
        StringBuilder key = new StringBuilder(128);
        append(key, zone);
        append(key, r.rule().id());
        for (Expression c : r.characteristics()) {
            Object v;
            try {
                v = c.value(request);
            } catch (EvaluationBudgetExceeded e) {
                verdict.budgetExceeded(r.rule().id(), Verdict.RATE_LIMIT);
                throw e;
            }
            append(key, v instanceof InetAddress ip ? ip.getHostAddress() : String.valueOf(v));
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void append(StringBuilder key, String part) {
        key.append(part.length()).append(':').append(part);
    }
}
