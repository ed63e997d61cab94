package dev.pier.edge.upstream;

import dev.pier.edge.error.EdgeException;
import io.netty.handler.codec.http.HttpObject;

/** What an {@link UpstreamConnection} tells the client side that opened it, on its event loop. */
public interface UpstreamListener {

    /** Connected, TLS handshake included: the pending request head can go. */
    void upstreamConnected(UpstreamConnection connection);

    /**
     * The connection failed: connecting (52x, 1000), no response head in time (524), a response
     * the edge cannot parse (502), or a fault of the edge while relaying (500).
     */
    void upstreamFailed(UpstreamConnection connection, EdgeException failure);

    /** A response message; the listener owns it (and releases it when it does not pass it on). */
    void upstreamMessage(UpstreamConnection connection, HttpObject message);

    /** The end of a read batch: returns whether the client can take more (else reading waits for {@link UpstreamConnection#resumeReading}). */
    boolean upstreamReadComplete(UpstreamConnection connection);

    /** The connection drained below its low water mark: the client's request body may flow again. */
    void upstreamWritable(UpstreamConnection connection);

    /** The connection closed. */
    void upstreamClosed(UpstreamConnection connection);
}
