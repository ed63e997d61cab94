package dev.pier.analytics.store;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a store's retention a minute after start and every hour after, on a thread of its own. */
public final class RetentionJob implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(RetentionJob.class);
    public static final Duration EVERY = Duration.ofHours(1);
    private final ScheduledExecutorService timer;

    public RetentionJob(AnalyticsStore store) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pier-analytics-retention");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                store.applyRetention(Instant.now());
            } catch (RuntimeException e) { // the next run tries again
                logger.warn("Analytics retention failed: {}", e.getMessage());
            }
        }, 60, EVERY.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
