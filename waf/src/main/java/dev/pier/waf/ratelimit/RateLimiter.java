package dev.pier.waf.ratelimit;

import dev.pier.config.ruleset.RateLimit;
import java.util.concurrent.CompletionStage;

/**
 * Counts requests per key and says whether a key is over its limit. A key's window starts at
 * its first request and lasts the rule's period; once over the limit the key is refused for
 * the mitigation timeout, or (with a timeout of 0) until its window ends.
 */
public interface RateLimiter extends AutoCloseable {

    /**
     * Records one request (when {@code count}) and decides.
     *
     * @param key       zone, rule and characteristic values
     * @param count     false for a request the counting expression leaves out: it is only checked
     * @param nowMillis the request's time
     */
    CompletionStage<Outcome> hit(String key, RateLimit limit, boolean count, long nowMillis);

    @Override
    void close();

    /**
     * @param limited           whether the request is over the limit
     * @param retryAfterSeconds when limited: seconds until the key may pass again (at least 1)
     */
    record Outcome(boolean limited, long retryAfterSeconds) {
        public static final Outcome PASS = new Outcome(false, 0);

        public static Outcome limitedFor(long millis) {
            return new Outcome(true, Math.max(1, (millis + 999) / 1000));
        }
    }
}
