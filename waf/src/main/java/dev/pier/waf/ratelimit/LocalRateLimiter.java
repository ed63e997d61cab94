package dev.pier.waf.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.pier.config.ruleset.RateLimit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * This node's counters, in memory. Each key holds one small window, dropped once it has been
 * untouched for its period plus its mitigation timeout; at most {@link #MAX_KEYS} keys are kept
 * whatever clients send (the least used go first), so memory stays bounded under a flood of
 * distinct keys.
 */
public final class LocalRateLimiter implements RateLimiter {

    private static final CompletionStage<Outcome> PASS = CompletableFuture.completedFuture(Outcome.PASS);
    /** About 100 MB at the very most: keys are 64-character hashes. */
    static final int MAX_KEYS = 500_000;

    /** One key's state; guarded by the map's compute. */
    private static final class Window {
        long start;
        long end;
        long count;
        long blockedUntil;
        long lifetimeNanos;
    }

    private final Cache<String, Window> windows;

    public LocalRateLimiter() {
        this(MAX_KEYS);
    }

    LocalRateLimiter(int maxKeys) {
        windows = Caffeine.newBuilder()
            .maximumSize(maxKeys)
            .expireAfter(new Expiry<String, Window>() {
                @Override
                public long expireAfterCreate(String key, Window w, long now) {
                    return w.lifetimeNanos;
                }

                @Override
                public long expireAfterUpdate(String key, Window w, long now, long current) {
                    return w.lifetimeNanos;
                }

                @Override
                public long expireAfterRead(String key, Window w, long now, long current) {
                    return current;
                }
            })
            .executor(Runnable::run) // maintenance on the caller, never a thread pool of its own
            .build();
    }

    @Override
    public CompletionStage<Outcome> hit(String key, RateLimit limit, boolean count, long nowMillis) {
        Outcome outcome = decide(key, limit, count, nowMillis);
        return outcome == Outcome.PASS ? PASS : CompletableFuture.completedFuture(outcome);
    }

    /** The same decision, synchronously. */
    public Outcome decide(String key, RateLimit limit, boolean count, long now) {
        Outcome[] outcome = new Outcome[1];
        windows.asMap().compute(key, (k, w) -> {
            Window window = w == null ? new Window() : w;
            window.lifetimeNanos = TimeUnit.SECONDS.toNanos(limit.period() + limit.mitigationTimeout());
            outcome[0] = decide(window, limit, count, now);
            return window;
        });
        return outcome[0];
    }

    private static Outcome decide(Window w, RateLimit limit, boolean count, long now) {
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

    /** How many keys are held (for tests and metrics). */
    public long size() {
        windows.cleanUp();
        return windows.estimatedSize();
    }

    @Override
    public void close() {
        windows.invalidateAll();
    }
}
