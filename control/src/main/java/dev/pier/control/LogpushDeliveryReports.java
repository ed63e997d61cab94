package dev.pier.control;

import dev.pier.control.store.Store;
import dev.pier.logpush.JobStatus;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's Logpush deliveries, reported to the store as Cloudflare's job shows them
 * ({@code last_complete}, {@code last_error}, {@code error_message}). Called on a job's own
 * thread; a store that cannot be written is logged (once until it can be again) and never stops
 * the job: the next delivery reports again.
 */
public final class LogpushDeliveryReports implements JobStatus {

    private static final Logger LOG = LoggerFactory.getLogger(LogpushDeliveryReports.class);

    private final Store store;
    private volatile boolean failing;

    public LogpushDeliveryReports(Store store) {
        this.store = store;
    }

    @Override
    public void delivered(long jobId, Instant at) {
        report(jobId, at, null);
    }

    @Override
    public void failed(long jobId, Instant at, String message) {
        report(jobId, at, message == null || message.isBlank() ? "delivery failed" : message);
    }

    private void report(long jobId, Instant at, String message) {
        try {
            store.reportLogpushDelivery(jobId, at, message);
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("Logpush job {}: its delivery status cannot be reported to the store ({})", jobId, e.getMessage());
                failing = true;
            }
        }
    }
}
