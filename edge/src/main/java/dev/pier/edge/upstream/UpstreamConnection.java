package dev.pier.edge.upstream;

import dev.pier.analytics.RequestLogBuilder;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;

/**
 * One connection to an upstream, used by one client connection at a time, on that client's
 * event loop. Requests go out with {@link #sendHead} and {@link #sendContent}; responses come
 * back through the {@link UpstreamListener} it was opened with.
 */
public interface UpstreamConnection {

    /** Whether this connection serves {@code peer} too (keep-alive reuse). */
    boolean serves(UpstreamPeer peer);

    /** Connected (TLS handshake included), open, and the last response let the connection be reused. */
    boolean reusable();

    boolean connected();

    /** Whether the connection takes more without buffering past its high water mark. */
    boolean writable();

    /** The address connected to (or refused), for the request log's OriginIP. */
    String remoteIp();

    /** Bytes read from the upstream so far, as they came over the wire. */
    long bytesRead();

    /**
     * Sends a request head and starts the response timer: {@code responseTimeout} without a
     * response head fails with 524. The upstream writes what it alone knows into the request's
     * {@code record} (a Worker's name and times).
     */
    void sendHead(HttpRequest head, Duration responseTimeout, RequestLogBuilder record);

    void sendContent(HttpContent content);

    /** Flushes what was sent; nothing goes out before the connection is up. */
    void flush();

    /** The client can take more: reading resumes if it was held back. */
    void resumeReading();

    void close();

    /**
     * After a 101 went to the client: takes the client connection over (an origin's byte tunnel,
     * a Worker's WebSocket); this connection is done with HTTP and calls its listener no more.
     */
    ProtocolSwitch.Result switchProtocols(ProtocolSwitch upgrade);
}
