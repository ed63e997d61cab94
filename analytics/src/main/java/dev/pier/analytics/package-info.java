/**
 * Usage accounting: the per-request log record (Cloudflare http_requests field names), the
 * NDJSON request log writer, per-zone usage counters exposed in Prometheus format, and each
 * zone's WebSockets open now (the connections themselves, read off their own counters).
 * Nothing here knows about Netty; the edge fills records in and hands them over.
 */
package dev.pier.analytics;
