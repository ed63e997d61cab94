package dev.pier.waf.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.ruleset.RateLimit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-node counters: what they decide, and that a flood of distinct keys cannot grow them without bound. */
class LocalRateLimiterTest {

    static final RateLimit TWO_PER_10S = new RateLimit(List.of("ip.src"), 10, 2, 0, "");

    @Test
    void countsPerKeyAndThrottlesUntilTheWindowEnds() {
        LocalRateLimiter limiter = new LocalRateLimiter();
        assertThat(limiter.decide("a", TWO_PER_10S, true, 0).limited()).isFalse();
        assertThat(limiter.decide("a", TWO_PER_10S, true, 1).limited()).isFalse();
        RateLimiter.Outcome third = limiter.decide("a", TWO_PER_10S, true, 2);
        assertThat(third.limited()).isTrue();
        assertThat(third.retryAfterSeconds()).isEqualTo(10);
        assertThat(limiter.decide("b", TWO_PER_10S, true, 3).limited()).isFalse();
        assertThat(limiter.decide("a", TWO_PER_10S, true, 10_000).limited()).isFalse();
    }

    @Test
    void aFloodOfDistinctKeysStaysBounded() {
        LocalRateLimiter limiter = new LocalRateLimiter(1_000);
        for (int i = 0; i < 20_000; i++) {
            limiter.decide("key-" + i, TWO_PER_10S, true, i);
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(1_000);
    }
}
