package dev.pier.edge.fetch;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.compression.DecompressionException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** What a fetch's failure says: the network's error put in words a Worker's author can act on. */
final class FetchFailures {

    private FetchFailures() {
    }

    /** Why the connection to {@code target} failed, or why its exchange broke. */
    static String describe(Throwable cause, FetchTarget target, FetchLimits limits) {
        if (cause instanceof Subrequest.RefusedOrigin refused) {
            return "refused: " + refused.getMessage();
        }
        if (cause instanceof ConnectTimeoutException) {
            return "no connection to " + target.hostHeader() + " within " + seconds(limits.connect()) + " (the connect timeout)";
        }
        if (cause instanceof UnknownHostException) {
            return "the host " + target.host() + " cannot be resolved";
        }
        if (cause instanceof ConnectException) {
            return "the connection to " + target.hostHeader() + " failed (" + root(cause) + ")";
        }
        SSLException tls = find(cause, SSLException.class);
        if (tls != null) {
            return "the TLS handshake with " + target.hostHeader() + " failed (" + root(tls) + ")";
        }
        DecompressionException decompression = find(cause, DecompressionException.class);
        if (decompression != null) {
            return String.valueOf(decompression.getMessage()).contains("maximum size") ? tooLarge(limits)
                    : "the origin's compressed body cannot be decoded (" + root(decompression) + ")";
        }
        if (cause instanceof DecoderException) {
            return "the origin's response is not valid HTTP (" + root(cause) + ")";
        }
        return "the connection to " + target.hostHeader() + " failed (" + root(cause) + ")";
    }

    static String tooLarge(FetchLimits limits) {
        return "the response body is larger than " + limits.maxBody() + " bytes, the most a fetch reads";
    }

    static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String root(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
