/**
 * Cloudflare's {@code fetch()} for the Workers a node runs: {@link dev.pier.edge.fetch.FetchClient},
 * the {@link dev.pier.workers.Fetch.Host} the edge installs, makes each subrequest
 * ({@link dev.pier.edge.fetch.Subrequest}) on the node's event loops, follows redirects, and hands a
 * WebSocket the origin accepted to an {@link dev.pier.edge.fetch.OriginSocket} on the origin's
 * connection.
 */
package dev.pier.edge.fetch;
