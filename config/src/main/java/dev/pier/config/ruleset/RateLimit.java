package dev.pier.config.ruleset;

import java.util.List;

/**
 * Cloudflare's {@code ratelimit} object: requests that share the values of the
 * characteristics share one counter; more than {@code requestsPerPeriod} of them within
 * {@code period} seconds get the rule's action.
 *
 * @param characteristics     fields whose values make up the counter key ({@code cf.colo.id}
 *                            is implicit: counters are per edge node unless shared)
 * @param period              seconds: 10, 60, 120, 300, 600 or 3600
 * @param requestsPerPeriod   how many requests pass per period
 * @param mitigationTimeout   seconds every request of the key is refused once the limit is
 *                            exceeded; 0 refuses only the requests over the limit (throttling)
 * @param countingExpression  which requests count; empty means the rule's expression
 */
public record RateLimit(List<String> characteristics, int period, int requestsPerPeriod, int mitigationTimeout,
                        String countingExpression) {

    public static final List<Integer> PERIODS = List.of(10, 60, 120, 300, 600, 3600);
    public static final List<Integer> MITIGATION_TIMEOUTS = List.of(0, 10, 60, 120, 300, 600, 3600, 86400);

    public RateLimit {
        characteristics = List.copyOf(characteristics);
    }
}
