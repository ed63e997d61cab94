/**
 * Pier's data plane. {@link dev.pier.edge.Edge} is the public entry point: it binds the
 * listeners, proxies HTTP and WebSocket connections to origins and serves the admin listener.
 *
 * <p>Subpackages: {@code http} (request phases up to the origin's response), {@code tunnel}
 * (the frame-aware WebSocket tunnel after the 101), {@code admin} (metrics endpoint),
 * {@code transport} (native epoll or NIO), {@code worker} (routes that end in a Worker),
 * {@code fetch} (the subrequests Workers make).
 */
package dev.pier.edge;
