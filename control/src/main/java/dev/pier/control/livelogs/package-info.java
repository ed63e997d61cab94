/**
 * Live logs (Cloudflare's Instant Logs): sessions that stream a zone's request records, as they
 * finish on this node and on the other nodes of its store, to the WebSockets listening to them,
 * with the session's fields, filter and sampling. Nodes of one PostgreSQL store meet through
 * {@link dev.pier.control.livelogs.PostgresLiveLogPeers}: each announces its sessions, and each
 * applies the others' sessions to its own records and relays what passes. {@link dev.pier.control.livelogs.LiveLogSessions} is the registry and the
 * request log sink; one thread of its own fans records out, so the edge's event loops only hand
 * a record over (or drop it when the hand-over queue is full).
 */
package dev.pier.control.livelogs;
