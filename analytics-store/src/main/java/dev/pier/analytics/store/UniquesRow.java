package dev.pier.analytics.store;

import java.time.Instant;

/**
 * Distinct clients in one time bucket.
 *
 * @param time    the start of the bucket, or null when the query had none; over rolled-up ranges,
 *                the start of the coarsest rollup reached, as {@link TrafficRow#time()}
 * @param uniques distinct client IP addresses
 */
public record UniquesRow(Instant time, long uniques) {
}
