package dev.pier.config;

import java.time.Duration;

/**
 * Per-zone settings, named after Cloudflare's zone settings.
 *
 * @param websockets              whether WebSocket upgrades are proxied ({@code websockets: on})
 * @param idleTimeout             a WebSocket with no data either way for this long is closed
 * @param maxWebSocketConnections concurrent WebSocket connections allowed; 0 means no limit
 * @param keepalive               when a side has been quiet this long the edge pings it (and
 *                                swallows the pong); {@code null} means no edge keepalive
 * @param maxMessageSize          a WebSocket message larger than this closes both sides with
 *                                1009; 0 means no limit
 * @param ssl                     how the edge talks to the zone's origins
 * @param minTlsVersion           the oldest TLS version clients may use: "1.2" or "1.3"
 * @param proxyReadTimeout        how long the origin may take to answer (Cloudflare's
 *                                {@code proxy_read_timeout}); null for the node's
 *                                {@code timeouts.origin_response}
 * @param urlNormalization        how request paths are normalized before the rules (and, with
 *                                scope {@code both}, toward the origin)
 */
public record ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections,
                           Duration keepalive, long maxMessageSize, SslMode ssl, String minTlsVersion,
                           Duration proxyReadTimeout, UrlNormalization urlNormalization) {

    public static final ZoneSettings DEFAULTS =
            new ZoneSettings(true, Duration.ofSeconds(100), 0, null, 0, SslMode.OFF, "1.2", null, UrlNormalization.DEFAULT);

    public ZoneSettings {
        java.util.Objects.requireNonNull(urlNormalization, "urlNormalization");
    }

    /** Settings with Cloudflare's default URL normalization. */
    public ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections,
                        Duration keepalive, long maxMessageSize, SslMode ssl, String minTlsVersion,
                        Duration proxyReadTimeout) {
        this(websockets, idleTimeout, maxWebSocketConnections, keepalive, maxMessageSize, ssl, minTlsVersion, proxyReadTimeout,
                UrlNormalization.DEFAULT);
    }

    /** Settings that leave the origin read timeout to the node. */
    public ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections,
                        Duration keepalive, long maxMessageSize, SslMode ssl, String minTlsVersion) {
        this(websockets, idleTimeout, maxWebSocketConnections, keepalive, maxMessageSize, ssl, minTlsVersion, null);
    }

    /** The origin read timeout for this zone, given the node's. */
    public Duration originResponse(Duration node) {
        return proxyReadTimeout != null ? proxyReadTimeout : node;
    }

    /** The settings of the first release, with no keepalive, no message size limit and plain origins. */
    public ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections) {
        this(websockets, idleTimeout, maxWebSocketConnections, null, 0, SslMode.OFF, "1.2");
    }

    /** Settings without TLS choices (plain origins, TLS 1.2 and up). */
    public ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections,
                        Duration keepalive, long maxMessageSize) {
        this(websockets, idleTimeout, maxWebSocketConnections, keepalive, maxMessageSize, SslMode.OFF, "1.2");
    }
}
