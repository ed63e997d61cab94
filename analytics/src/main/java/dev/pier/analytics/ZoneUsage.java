package dev.pier.analytics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Live usage figures of one zone. Counters are {@link LongAdder}s so that event loops on
 * different cores add without contending; the open-connection count is exact because the
 * per-zone connection limit is enforced against it.
 *
 * <p>The zone's WebSockets open now are the connections themselves ({@link OpenWebSocket}), each
 * registered once after its 101 and removed once when it closes ({@link OpenWebSocketSet}: a
 * slot of an array per connection, nothing per message).
 */
public final class ZoneUsage {

    final LongAdder requests = new LongAdder();
    final LongAdder upgrades = new LongAdder();
    final LongAdder edgeResponseBytes = new LongAdder();
    final AtomicInteger openWebSockets = new AtomicInteger();
    private final OpenWebSocketSet open = new OpenWebSocketSet();

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

    /** {@code socket} switched protocols (its 101 went out): it is open now until {@link #unregisterOpen}. */
    public void registerOpen(OpenWebSocket socket) {
        open.add(socket);
    }

    /** {@code socket} closed; its record is being written. */
    public void unregisterOpen(OpenWebSocket socket) {
        open.remove(socket);
    }

    /** Hands each WebSocket open now to {@code action}, off the set's lock. */
    public void forEachOpen(Consumer<OpenWebSocket> action) {
        for (OpenWebSocket socket : open.snapshot()) {
            action.accept(socket);
        }
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
