package dev.pier.waf;

import dev.pier.config.WafConfig;
import dev.pier.waf.challenge.Clearances;
import dev.pier.waf.managed.ManagedRulesets;
import dev.pier.waf.ratelimit.LocalRateLimiter;
import dev.pier.waf.ratelimit.RateLimiter;
import dev.pier.waf.ratelimit.RedisRateLimiter;
import java.nio.charset.StandardCharsets;

/**
 * What the WAF shares across zones and configuration snapshots on one edge node: the managed
 * rulesets it ships, the rate limit counters (kept across reloads, so a reload does not reset
 * anyone's count) and the key that signs challenge clearances.
 *
 * @param managed    the managed rulesets by id
 * @param limiter    per node, or shared through Redis
 * @param clearances issues and checks {@code cf_clearance} cookies
 */
public record WafRuntime(ManagedRulesets managed, RateLimiter limiter, Clearances clearances) implements AutoCloseable {

    /** The managed rulesets are parsed once per process: every runtime shares them. */
    private static final class BuiltIn {
        static final ManagedRulesets RULESETS = ManagedRulesets.builtIn();
    }

    /**
     * A runtime for an edge node's WAF settings.
     *
     * @throws IllegalStateException when shared counters were asked for and Redis cannot be reached
     */
    public static WafRuntime start(WafConfig config) {
        RateLimiter limiter = config.redis() == null ? new LocalRateLimiter()
                : RedisRateLimiter.connect(config.redis(), config.redisTimeout());
        byte[] secret = config.challengeSecret() == null ? null : config.challengeSecret().getBytes(StandardCharsets.UTF_8);
        return new WafRuntime(BuiltIn.RULESETS, limiter, new Clearances(secret, config.challengePassage(), config.challengeDifficulty()));
    }

    /** Per-node counters and a random clearance key: for tests and embedding. */
    public static WafRuntime local() {
        return start(WafConfig.DEFAULTS);
    }

    @Override
    public void close() {
        limiter.close();
    }
}
