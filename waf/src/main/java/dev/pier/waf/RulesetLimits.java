package dev.pier.waf;

import dev.pier.config.Zone;
import dev.pier.config.ruleset.Phase;
import dev.pier.config.ruleset.Ruleset;
import dev.pier.rules.Expression;
import java.util.List;

/**
 * What one phase's ruleset may hold, checked whenever a zone's rulesets are compiled: when a
 * ruleset is written through the API, when a configuration file is loaded, and when an edge
 * applies a change. Each expression is bounded when parsed (4,096 characters, 64 levels, a
 * regular expression's program size); these bound what a ruleset adds up to, so that a zone's
 * rules cannot fill the heap with compiled patterns (RE2/J keeps tens of bytes per instruction
 * of each) and its per-character cost stays within reach of the request budget. Cloudflare
 * answers "ruleset exceeds complexity constraints" for the same reason.
 */
final class RulesetLimits {

    /** Cloudflare's quota of rules a request passes through (its largest plan's number of custom rules). */
    static final int MAX_RULES = 1_000;

    /**
     * The largest sum of {@link Expression#cost()} over a ruleset's enabled rules (rate limiting
     * rules count their counting expressions and characteristics too): two regular expressions
     * of the largest size one may have, or a hundred custom rules of two hundred instructions
     * each. The managed rules' largest pattern is about 650.
     */
    static final long MAX_COST = 20_000;

    private static final String EXCEEDS = "ruleset exceeds complexity constraints: ";

    private RulesetLimits() {
    }

    static void checkRuleCount(Zone zone, Ruleset ruleset) {
        if (ruleset.rules().size() > MAX_RULES) {
            throw new RuleCompileException(zone.name(), ruleset.phase(), null, 0, EXCEEDS + ruleset.rules().size()
                    + " rules (expected: at most " + MAX_RULES + ")", null);
        }
    }

    static void checkCost(Zone zone, Phase phase, List<Expression> expressions) {
        long total = 0;
        for (Expression e : expressions) {
            total += e.cost();
        }
        if (total > MAX_COST) {
            throw new RuleCompileException(zone.name(), phase, null, 0, EXCEEDS + "its rules cost " + total
                    + " per character read (expected: at most " + MAX_COST + "; a regular expression or wildcard costs its "
                    + "program size plus one, any other comparison or function one)", null);
        }
    }
}
