package dev.pier.edge.support;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the default Netty allocator's memory (direct and heap: receive buffers and queued
 * writes) every millisecond from when it is made, and keeps the peak and what the allocator
 * held at the start. With clients and origins that do not use Netty, what the allocator gains
 * is the edge's. What it held before (it is the whole JVM's: earlier test classes' edges leave
 * pooled memory behind) is the baseline and is not counted.
 */
public final class AllocatorWatch implements AutoCloseable {
    private final long baseline;
    private final AtomicLong peak;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public AllocatorWatch() {
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        baseline = metric.usedDirectMemory() + metric.usedHeapMemory();
        peak = new AtomicLong(baseline);
        thread = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                peak.accumulateAndGet(metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** How far above the baseline the allocator's memory went. */
    public long peakGrowth() {
        return peak.get() - baseline;
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
        System.out.printf("edge buffer memory: peak %.1f MiB above a baseline of %.1f MiB%n",
                peakGrowth() / 1048576.0, baseline / 1048576.0);
    }
}
