/**
 * Usage accounting: the per-request log record (Cloudflare http_requests field names), the
 * NDJSON request log writer, and per-zone usage counters exposed in Prometheus format.
 * Nothing here knows about Netty; the edge fills records in and hands them over.
 */
package dev.pier.analytics;
