/**
 * What a route ends in, on the edge's side: the {@link dev.pier.edge.upstream.Upstream} seam the
 * request phases proxy through, and its TCP origin implementation
 * ({@link dev.pier.edge.upstream.OriginUpstream}, {@link dev.pier.edge.upstream.OriginConnection})
 * behind the {@link dev.pier.edge.upstream.OriginGuard}.
 */
package dev.pier.edge.upstream;
