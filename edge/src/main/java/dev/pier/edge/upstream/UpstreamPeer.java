package dev.pier.edge.upstream;

/** Where one request goes, as the request phases chose it: an origin server or a Worker. */
public sealed interface UpstreamPeer permits OriginPeer, WorkerPeer {
}
