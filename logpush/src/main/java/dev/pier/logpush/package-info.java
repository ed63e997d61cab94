/**
 * Log export in Cloudflare's Logpush shapes, shared by Logpush jobs and live logs: the datasets
 * and their fields ({@link dev.pier.logpush.Dataset}), the JSON filter
 * ({@link dev.pier.logpush.LogFilter}), the output options and the formatting of records
 * ({@link dev.pier.logpush.OutputOptions}, {@link dev.pier.logpush.RecordFormatter},
 * {@link dev.pier.logpush.Sampler}).
 */
package dev.pier.logpush;
