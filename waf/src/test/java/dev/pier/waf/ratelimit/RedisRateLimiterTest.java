package dev.pier.waf.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.ruleset.RateLimit;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing one Redis (the development machine's, on 127.0.0.1:6379) enforce one
 * limit together: requests to either count against the same window.
 */
class RedisRateLimiterTest {

    private static final String REDIS = "redis://127.0.0.1:6379";

    private static RateLimiter.Outcome hit(RateLimiter limiter, String key, RateLimit limit, boolean count) throws Exception {
        return limiter.hit(key, limit, count, System.currentTimeMillis()).toCompletableFuture().get();
    }

    @Test
    void twoNodesShareOneLimit() throws Exception {
        RateLimit limit = new RateLimit(List.of("ip.src"), 10, 4, 60, "");
        String key = "test\u0000" + UUID.randomUUID() + "\u0000203.0.113.5";
        try (RedisRateLimiter a = RedisRateLimiter.connect(REDIS, Duration.ofSeconds(1));
             RedisRateLimiter b = RedisRateLimiter.connect(REDIS, Duration.ofSeconds(1))) {
            assertThat(hit(a, key, limit, true).limited()).isFalse();
            assertThat(hit(b, key, limit, true).limited()).isFalse();
            assertThat(hit(a, key, limit, true).limited()).isFalse();
            assertThat(hit(b, key, limit, true).limited()).isFalse();
            RateLimiter.Outcome fifth = hit(a, key, limit, true);
            assertThat(fifth.limited()).isTrue();
            assertThat(fifth.retryAfterSeconds()).isEqualTo(60);
            RateLimiter.Outcome onB = hit(b, key, limit, true); // the mitigation holds on the other node too
            assertThat(onB.limited()).isTrue();
            assertThat(onB.retryAfterSeconds()).isBetween(59L, 60L);
            assertThat(hit(b, key + "other", limit, true).limited()).isFalse();
        }
    }

    @Test
    void uncountedRequestsAreCheckedButNotCounted() throws Exception {
        RateLimit limit = new RateLimit(List.of("ip.src"), 10, 1, 0, "x");
        String key = "test\u0000" + UUID.randomUUID();
        try (RedisRateLimiter a = RedisRateLimiter.connect(REDIS, Duration.ofSeconds(1))) {
            assertThat(hit(a, key, limit, false).limited()).isFalse();
            assertThat(hit(a, key, limit, true).limited()).isFalse();
            assertThat(hit(a, key, limit, false).limited()).isFalse(); // at the limit, not over it
            RateLimiter.Outcome over = hit(a, key, limit, true);
            assertThat(over.limited()).isTrue();
            assertThat(over.retryAfterSeconds()).isBetween(9L, 10L); // throttled until the window ends
        }
    }

    @Test
    void aNodeToldToShareRefusesToStartWithoutRedis() {
        assertThatThrownBy(() -> RedisRateLimiter.connect("redis://127.0.0.1:1", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("rate limiting: cannot reach Redis at redis://127.0.0.1:1");
    }
}
