package dev.pier.logpush;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps a share of records at random ({@code sample_rate}): each record is kept with that
 * probability, on its own, as Cloudflare samples. Safe to share between threads.
 */
public final class Sampler {

    private final double rate;

    private Sampler(double rate) {
        this.rate = rate;
    }

    /** @param rate the share kept, in (0, 1] */
    public static Sampler of(double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new LogpushException("sample_rate", rate + " (expected: a number above 0 and at most 1)");
        }
        return new Sampler(rate);
    }

    public double rate() {
        return rate;
    }

    /** Whether to keep the next record. */
    public boolean keep() {
        return rate >= 1 || ThreadLocalRandom.current().nextDouble() < rate;
    }
}
