package dev.pier.analytics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live usage figures of one zone. Counters are {@link LongAdder}s so that event loops on
 * different cores add without contending; the open-connection count is exact because the
 * per-zone connection limit is enforced against it.
 */
public final class ZoneUsage {

    final LongAdder requests = new LongAdder();
    final LongAdder upgrades = new LongAdder();
    final LongAdder edgeResponseBytes = new LongAdder();
    final AtomicInteger openWebSockets = new AtomicInteger();

    public void request() {
        requests.increment();
    }

    public void upgrade() {
        upgrades.increment();
    }

    public void bytesToClient(long bytes) {
        edgeResponseBytes.add(bytes);
    }

    /**
     * Counts one more open WebSocket unless that would exceed {@code limit} (0 = no limit).
     * @return false when the limit is reached; nothing was counted then
     */
    public boolean tryOpenWebSocket(int limit) {
        while (true) {
            int open = openWebSockets.get();
            if (limit > 0 && open >= limit) {
                return false;
            }
            if (openWebSockets.compareAndSet(open, open + 1)) {
                return true;
            }
        }
    }

    public void closeWebSocket() {
        openWebSockets.decrementAndGet();
    }

    public long requests() {
        return requests.sum();
    }

    public long upgrades() {
        return upgrades.sum();
    }

    public long edgeResponseBytes() {
        return edgeResponseBytes.sum();
    }

    public int openWebSockets() {
        return openWebSockets.get();
    }
}
