package dev.pier.edge.upstream;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;

/**
 * An origin server: the one the route and origin rules chose, and how to speak to it.
 *
 * @param host           the origin's address or host name
 * @param port           its port
 * @param tls            the client TLS context toward it, or null for plain HTTP
 * @param tlsName        the name TLS sends as SNI and, when {@code strict}, checks the certificate against; null without TLS
 * @param strict         check the origin's certificate and host name (Cloudflare's Full (strict))
 * @param connectTimeout how long connecting (and the TLS handshake) may take
 */
public record OriginPeer(String host, int port, SslContext tls, String tlsName, boolean strict, Duration connectTimeout) implements UpstreamPeer {

    public OriginPeer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        tlsName = tls == null ? null : tlsName;
    }

    /** Whether a connection opened for {@code other} serves this peer too (keep-alive reuse). */
    public boolean sameAs(OriginPeer other) {
        return host.equals(other.host) && port == other.port && Objects.equals(tlsName, other.tlsName)
                && (tls == null) == (other.tls == null);
    }
}
