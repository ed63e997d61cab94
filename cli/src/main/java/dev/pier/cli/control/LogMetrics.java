package dev.pier.cli.control;

import dev.pier.control.livelogs.LiveLogSessions;
import dev.pier.logpush.LogpushNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** A node's Logpush jobs' and live log sessions' figures on {@code /metrics} (docs/LOGPUSH.md, "Metrics"). */
final class LogMetrics implements MeterBinder {

    private final LogpushNode logpush;
    private final LiveLogSessions liveLogs;

    /** @param logpush the node's jobs, or null when it runs none */
    LogMetrics(LogpushNode logpush, LiveLogSessions liveLogs) {
        this.logpush = logpush;
        this.liveLogs = liveLogs;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (logpush != null) {
            FunctionCounter.builder("pier.logpush.delivered.records", logpush, LogpushNode::delivered)
                    .description("Records the Logpush jobs' destinations acknowledged").register(registry);
            FunctionCounter.builder("pier.logpush.dropped.records", logpush, LogpushNode::dropped)
                    .description("Records dropped on their way to a Logpush job: 65,536 already waited for it").register(registry);
            Gauge.builder("pier.logpush.spooled.batches", logpush, LogpushNode::spooledBatches)
                    .description("Batches on disk waiting for their Logpush destination").register(registry);
            Gauge.builder("pier.logpush.jobs", logpush, LogpushNode::running)
                    .description("Logpush jobs running on this node").register(registry);
        }
        FunctionCounter.builder("pier.livelogs.dropped.records", liveLogs, LiveLogSessions::overflowedRecords)
                .description("Records dropped before live log dispatch: 16,384 already waited").register(registry);
    }
}
