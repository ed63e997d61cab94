package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store whose first inserts fail: every other one before reaching the real store, the rest
 * after the real store committed (the acknowledgement lost on the way back), so the batch is
 * sent again though it is stored.
 */
final class FailingStore implements AnalyticsStore {

    private final AnalyticsStore real;
    private final AtomicInteger failuresLeft;
    final AtomicInteger committedButFailed = new AtomicInteger();
    /** Calls of {@link #insert}: batches the sink sent. */
    final AtomicInteger inserts = new AtomicInteger();

    FailingStore(AnalyticsStore real, int failures) {
        this.real = real;
        this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public int insert(List<RequestLog> records) {
        inserts.incrementAndGet();
        int left = failuresLeft.getAndDecrement();
        if (left <= 0) {
            return real.insert(records);
        }
        if (left % 2 == 0) {
            real.insert(records);
            committedButFailed.incrementAndGet();
            throw new AnalyticsStoreException("the answer was lost after the commit", null);
        }
        throw new AnalyticsStoreException("unreachable", null);
    }

    @Override
    public List<TrafficRow> traffic(AnalyticsQuery query) {
        return real.traffic(query);
    }

    @Override
    public List<WebSocketRow> webSockets(AnalyticsQuery query) {
        return real.webSockets(query);
    }

    @Override
    public List<UniquesRow> uniques(AnalyticsQuery query) {
        return real.uniques(query);
    }

    @Override
    public Retention retention() {
        return real.retention();
    }

    @Override
    public void applyRetention(Instant now) {
        real.applyRetention(now);
    }

    @Override
    public void close() {
        real.close();
    }
}
