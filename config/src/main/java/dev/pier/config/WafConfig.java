package dev.pier.config;

import java.time.Duration;

/**
 * Edge-wide WAF settings.
 *
 * @param redis              a Redis URI ({@code redis://127.0.0.1:6379}) to share rate limit
 *                           counters with other edge nodes, or null to count on this node only
 * @param redisTimeout       how long a counted request waits for Redis; when it passes (or Redis
 *                           fails) the node counts that request on its own
 * @param challengeSecret    the key that signs challenge clearances; nodes that share it accept
 *                           each other's; null for a random key per process
 * @param challengePassage   how long a passed challenge lasts (Cloudflare's Challenge Passage)
 * @param challengeDifficulty leading zero bits of the challenge's proof of work
 * @param ruleBudget         the steps one request's rules may spend (docs/WAF.md, "The evaluation
 *                           budget"); a request whose rules would spend more is blocked
 */
public record WafConfig(String redis, Duration redisTimeout, String challengeSecret, Duration challengePassage, int challengeDifficulty,
                        long ruleBudget) {

    /**
     * Up to a few tens of milliseconds of one core for RE2/J's slowest patterns (about 5 ns a step
     * for most, up to about 30 for optional repetitions before an anchor), and four times what a
     * hundred typical custom rules with the managed ruleset spend on a 16 KB request (docs/WAF.md).
     */
    public static final long DEFAULT_RULE_BUDGET = 1_000_000;

    public static final WafConfig DEFAULTS = new WafConfig(null, Duration.ofMillis(250), null, Duration.ofMinutes(30), 16,
            DEFAULT_RULE_BUDGET);
}
