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
 */
public record WafConfig(String redis, Duration redisTimeout, String challengeSecret, Duration challengePassage, int challengeDifficulty) {

    public static final WafConfig DEFAULTS = new WafConfig(null, Duration.ofMillis(250), null, Duration.ofMinutes(30), 16);
}
