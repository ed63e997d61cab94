package dev.pier.edge.fetch;

import dev.pier.config.Timeouts;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a fetch waits and how much it reads.
 *
 * @param connect    connecting, and the TLS handshake: the node's {@code origin_connect}
 * @param read       how long the origin may send nothing while its response is awaited (head and
 *                   body): the node's {@code origin_response}
 * @param closeGrace how long a WebSocket's close handshake may take before TCP closes: the node's {@code close_grace}
 * @param maxBody    the largest response body a fetch reads (after decoding gzip or deflate)
 */
public record FetchLimits(Duration connect, Duration read, Duration closeGrace, int maxBody) {

    /** The largest response body a fetch reads: 32 MiB. */
    public static final int MAX_BODY = 32 * 1024 * 1024;

    public FetchLimits {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(closeGrace, "closeGrace");
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody: " + maxBody + " (expected: 0 or more)");
        }
    }

    /** The node's origin timeouts, and bodies of up to {@link #MAX_BODY}. */
    public static FetchLimits of(Timeouts timeouts) {
        return new FetchLimits(timeouts.originConnect(), timeouts.originResponse(), timeouts.closeGrace(), MAX_BODY);
    }
}
