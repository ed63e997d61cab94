/**
 * Live logs (Cloudflare's Instant Logs): sessions that stream a zone's request records, as they
 * finish on this node, to the WebSockets listening to them, with the session's fields, filter
 * and sampling. {@link dev.pier.control.livelogs.LiveLogSessions} is the registry and the
 * request log sink; one thread of its own fans records out, so the edge's event loops only hand
 * a record over (or drop it when the hand-over queue is full).
 */
package dev.pier.control.livelogs;
