package dev.pier.config;

/**
 * What a route ends in: where the edge sends a request once the zone's rules let it through, an
 * origin or a Worker.
 * The edge's side of each kind is an {@code Upstream} (module {@code edge}, package
 * {@code dev.pier.edge.upstream}).
 */
public sealed interface RouteTarget {

    /**
     * An origin server, reached over TCP.
     *
     * @param host the address or host name to connect to (the DNS record's content)
     * @param port the port, or {@link #LISTENER_PORT} for the port the request arrived on (as on Cloudflare)
     * @param ssl  how to speak to it: plain HTTP or TLS, and whether its certificate is checked
     */
    record Origin(String host, int port, SslMode ssl) implements RouteTarget {

        /** The request's own port: the edge connects to the origin on the port the client connected to. */
        public static final int LISTENER_PORT = 0;

        public Origin {
            java.util.Objects.requireNonNull(host, "host");
            java.util.Objects.requireNonNull(ssl, "ssl");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("origin port " + port + " (expected: 0 for the listener's port, or 1 to 65535)");
            }
        }

        /** The same origin, at another host (an origin rule's override, resolved through the zone's records). */
        public Origin withHost(String other) {
            return new Origin(other, port, ssl);
        }
    }

    /**
     * A Worker: the edge answers with the script's {@code fetch} (and terminates a WebSocket it
     * accepts) instead of proxying to an origin.
     *
     * @param script the script's name ({@link WorkerScript#name()})
     */
    record Worker(String script) implements RouteTarget {

        public Worker {
            java.util.Objects.requireNonNull(script, "script");
        }
    }
}
