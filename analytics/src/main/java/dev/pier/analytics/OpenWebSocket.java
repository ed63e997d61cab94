package dev.pier.analytics;

/**
 * A WebSocket open now on this node, as the edge keeps it: the connection itself (a proxied
 * tunnel, a Worker's socket) answers with the figures its request log record will be built from
 * when it closes, so the live view and the record read the same counters and none is kept twice.
 *
 * <p>The counters are written on the connection's event loop and read here from any thread
 * without a lock: a reader on another thread may see them a few reads behind (and never torn, on
 * the 64-bit JVMs Pier runs on). The record's identity fields (RayID, client IP, host, URI, start)
 * were set before the connection was registered with its {@link ZoneUsage}, which publishes them
 * safely, and do not change afterwards.
 */
public interface OpenWebSocket {

    /** The upgrade's record as the request filled it in; read only its identity fields from other threads. */
    RequestLogBuilder record();

    /** Messages the client sent so far. */
    long clientMessages();

    /** Messages the origin (or the Worker) sent so far. */
    long originMessages();

    /** Bytes from the client so far, the upgrade request included. */
    long clientRequestBytes();

    /** Bytes to the client so far, the 101 included: the bandwidth Cloudflare bills. */
    long edgeResponseBytes();
}
