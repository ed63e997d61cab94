package dev.pier.logpush;

import java.time.Instant;

/** Hears how a job's deliveries go: Cloudflare's {@code last_complete}, {@code last_error} and {@code error_message}. */
public interface JobStatus {

    /** A batch was acknowledged by the destination; {@code at} is the end of its time range (its latest record's end). */
    void delivered(long jobId, Instant at);

    /** A delivery failed at {@code at} (the batch is tried again). */
    void failed(long jobId, Instant at, String message);

    JobStatus NONE = new JobStatus() {
        @Override
        public void delivered(long jobId, Instant at) {
        }

        @Override
        public void failed(long jobId, Instant at, String message) {
        }
    };
}
