/**
 * The HTTP side of the data plane: {@link dev.pier.edge.http.Http1Connection} (the client
 * connection's I/O), {@link dev.pier.edge.http.RequestPhases} and what the edge decides in each
 * ({@link dev.pier.edge.http.EdgePhases}: the head's limits, the zone, the websockets setting and
 * handshake, the WAF's verdict, the upstream and the forwarding headers, the security headers),
 * {@link dev.pier.edge.http.ProxyFlow}, which runs the phases and proxies HTTP/1.1 with streamed
 * bodies through an upstream, and the switch to the tunnel on a 101.
 */
package dev.pier.edge.http;
