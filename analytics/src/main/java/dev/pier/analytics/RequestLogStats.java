package dev.pier.analytics;

import java.util.concurrent.atomic.LongAdder;

/**
 * What became of the request log records a node produced: written, dropped (the queue for the
 * disk was full, or closing gave up on them), and failed attempts to write. It outlives the
 * writers a reload replaces, as counters must.
 */
public final class RequestLogStats {

    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();

    void written(int records) {
        written.add(records);
    }

    void dropOne() {
        dropped.increment();
    }

    void dropped(int records) {
        dropped.add(records);
    }

    void writeFailed() {
        writeFailures.increment();
    }

    public long written() {
        return written.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    public long writeFailures() {
        return writeFailures.sum();
    }
}
