package dev.pier.waf.ratelimit;

import dev.pier.config.ruleset.RateLimit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's counters, in memory. Each key holds one small window; windows that ended are
 * swept out as keys are touched, so memory follows the number of active clients.
 */
public final class LocalRateLimiter implements RateLimiter {

    private static final CompletionStage<Outcome> PASS = CompletableFuture.completedFuture(Outcome.PASS);
    private static final int SWEEP_EVERY = 4096;

    /** One key's state; guarded by its own monitor. */
    private static final class Window {
        long start;
        long end;
        long count;
        long blockedUntil;
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    /** Not atomic on purpose: a lost increment only moves the next sweep a little. */
    private int touches;

    @Override
    public CompletionStage<Outcome> hit(String key, RateLimit limit, boolean count, long now) {
        Outcome outcome = decide(key, limit, count, now);
        return outcome == Outcome.PASS ? PASS : CompletableFuture.completedFuture(outcome);
    }

    /** The same decision, synchronously. */
    public Outcome decide(String key, RateLimit limit, boolean count, long now) {
        if (++touches % SWEEP_EVERY == 0) {
            sweep(now);
        }
        Window w = windows.computeIfAbsent(key, k -> new Window());
        synchronized (w) {
            if (now < w.blockedUntil) {
                return Outcome.limitedFor(w.blockedUntil - now);
            }
            if (now >= w.end) {
                w.start = now;
                w.end = now + limit.period() * 1000L;
                w.count = 0;
            }
            if (count) {
                w.count++;
            }
            if (w.count <= limit.requestsPerPeriod()) {
                return Outcome.PASS;
            }
            w.blockedUntil = limit.mitigationTimeout() > 0 ? now + limit.mitigationTimeout() * 1000L : w.end;
            return Outcome.limitedFor(w.blockedUntil - now);
        }
    }

    private void sweep(long now) {
        windows.values().removeIf(w -> {
            synchronized (w) {
                return now >= w.end && now >= w.blockedUntil;
            }
        });
    }

    /** How many keys are held (for tests and metrics). */
    public int size() {
        return windows.size();
    }

    @Override
    public void close() {
        windows.clear();
    }
}
