package dev.pier.waf;

import dev.pier.config.ruleset.Phase;

/**
 * A zone's rulesets cannot be compiled: where (zone, phase, the rule when one rule is at fault,
 * the column in its expression when the problem is at one) and what. Callers build their own
 * answer from these fields (the API Cloudflare's error, a configuration reload its log line);
 * {@link #getMessage()} joins them for logs as {@code zone Z, PHASE, rule ID: PROBLEM}.
 */
public final class RuleCompileException extends IllegalArgumentException {

    private final String zone;
    private final Phase phase;
    private final String ruleId;
    private final int column;
    private final String problem;

    /**
     * @param ruleId  the rule at fault, null when the problem is the ruleset as a whole
     * @param column  the 1-based column of the rule's expression the problem is at, 0 when none
     * @param problem what is wrong, as a user reads it after the rule's id
     */
    RuleCompileException(String zone, Phase phase, String ruleId, int column, String problem, Throwable cause) {
        super("zone " + zone + ", " + phase.id() + ", " + (ruleId == null ? "" : "rule " + ruleId + ": ") + problem, cause);
        this.zone = zone;
        this.phase = phase;
        this.ruleId = ruleId;
        this.column = column;
        this.problem = problem;
    }

    public String zone() {
        return zone;
    }

    public Phase phase() {
        return phase;
    }

    /** The rule at fault, null when the problem is the ruleset as a whole (too many rules, too costly). */
    public String ruleId() {
        return ruleId;
    }

    /** The 1-based column of the rule's expression the problem is at, 0 when it is not at a column. */
    public int column() {
        return column;
    }

    /** What is wrong, without where: for an expression, its column, the problem and the expression with a caret under it. */
    public String problem() {
        return problem;
    }
}
