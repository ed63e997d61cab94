package dev.pier.analytics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live figures of one Worker script: invocations, the ones that ended in an exception, the time
 * its code ran, its WebSockets and their messages. Counters are {@link LongAdder}s: event loops
 * on different cores add without contending.
 */
public final class WorkerUsage {

    final LongAdder requests = new LongAdder();
    final LongAdder exceptions = new LongAdder();
    final LongAdder cpuMicros = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final AtomicInteger openWebSockets = new AtomicInteger();
    final LongAdder cpuLimitExceeded = new LongAdder();
    final LongAdder memoryLimitExceeded = new LongAdder();
    final LongAdder subrequestLimitExceeded = new LongAdder();

    /** An invocation that broke a resource limit: {@code cpu} or {@code memory} (stopped), {@code subrequests} (refused). */
    public void limitExceeded(String limit) {
        switch (limit) {
            case "cpu" -> cpuLimitExceeded.increment();
            case "memory" -> memoryLimitExceeded.increment();
            case "subrequests" -> subrequestLimitExceeded.increment();
            default -> throw new IllegalArgumentException("limit: '" + limit + "' (expected: cpu, memory or subrequests)");
        }
    }

    /** Invocations that broke {@code limit}: cpu, memory or subrequests. */
    public long limitsExceeded(String limit) {
        return switch (limit) {
            case "cpu" -> cpuLimitExceeded.sum();
            case "memory" -> memoryLimitExceeded.sum();
            case "subrequests" -> subrequestLimitExceeded.sum();
            default -> throw new IllegalArgumentException("limit: '" + limit + "' (expected: cpu, memory or subrequests)");
        };
    }

    /** An invocation of the script's {@code fetch}. */
    public void request() {
        requests.increment();
    }

    /** An invocation, or a WebSocket event, that ended in an exception. */
    public void exception() {
        exceptions.increment();
    }

    /** Time the script's code ran on the edge's thread. */
    public void cpu(long micros) {
        cpuMicros.add(micros);
    }

    /** A WebSocket message from a client to the script. */
    public void messageIn() {
        messagesIn.increment();
    }

    /** A WebSocket message from the script to a client. */
    public void messageOut() {
        messagesOut.increment();
    }

    public void webSocketOpened() {
        openWebSockets.incrementAndGet();
    }

    public void webSocketClosed() {
        openWebSockets.decrementAndGet();
    }

    public long requests() {
        return requests.sum();
    }

    public long exceptions() {
        return exceptions.sum();
    }

    public double cpuSeconds() {
        return cpuMicros.sum() / 1e6;
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public int openWebSockets() {
        return openWebSockets.get();
    }
}
