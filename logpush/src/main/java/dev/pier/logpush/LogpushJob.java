package dev.pier.logpush;

/**
 * A Logpush job as a node runs it: which zone's records, which dataset, where they go, and how
 * they are filtered, shaped and batched. Built from the stored job (the API checks the ranges
 * Cloudflare sets; this checks only what running needs).
 *
 * @param id                       the job's id
 * @param zoneName                 the zone whose records the job carries
 * @param destinationConf          where batches go ({@link Destination#parse})
 * @param filter                   Cloudflare's JSON filter, or null for every record
 * @param maxUploadBytes           the most uncompressed bytes in one batch
 * @param maxUploadRecords         the most records in one batch
 * @param maxUploadIntervalSeconds the longest a record waits for its batch to be closed
 */
public record LogpushJob(long id, String zoneName, Dataset dataset, String destinationConf, boolean enabled, OutputOptions outputOptions,
                         String filter, long maxUploadBytes, int maxUploadRecords, int maxUploadIntervalSeconds) {

    /** Pier's defaults where a job sets none: 100 MB, 100,000 records, 30 seconds. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 100_000_000L;
    public static final int DEFAULT_MAX_UPLOAD_RECORDS = 100_000;
    public static final int DEFAULT_MAX_UPLOAD_INTERVAL_SECONDS = 30;

    public LogpushJob {
        if (maxUploadBytes < 1 || maxUploadRecords < 1 || maxUploadIntervalSeconds < 1) {
            throw new IllegalArgumentException("job " + id + ": bytes " + maxUploadBytes + ", records " + maxUploadRecords
                    + ", interval " + maxUploadIntervalSeconds + " (expected: each at least 1)");
        }
        outputOptions = outputOptions == null ? OutputOptions.defaults() : outputOptions;
    }
}
