package dev.pier.control.store;

import java.time.Instant;

/**
 * A zone's Logpush job as stored, in Cloudflare's terms. {@code outputOptions} is the JSON of
 * Cloudflare's {@code output_options}; {@code filter} is its JSON filter string, or null.
 * {@code lastComplete}, {@code lastError} and {@code errorMessage} are what the nodes last
 * reported of their deliveries (null before any).
 */
public record StoredLogpushJob(long id, String zoneId, String name, String dataset, String destinationConf, boolean enabled,
                               String outputOptions, String filter, long maxUploadBytes, int maxUploadRecords,
                               int maxUploadIntervalSeconds, Instant lastComplete, Instant lastError, String errorMessage,
                               Instant createdOn, Instant modifiedOn) {

    /** What a create or an update writes; ids, times and the delivery status are the store's. */
    public static StoredLogpushJob draft(String name, String dataset, String destinationConf, boolean enabled, String outputOptions,
                                         String filter, long maxUploadBytes, int maxUploadRecords, int maxUploadIntervalSeconds) {
        return new StoredLogpushJob(0, null, name, dataset, destinationConf, enabled, outputOptions, filter, maxUploadBytes,
                maxUploadRecords, maxUploadIntervalSeconds, null, null, null, null, null);
    }
}
