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
 */
public record ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections,
                           Duration keepalive, long maxMessageSize) {

    public static final ZoneSettings DEFAULTS = new ZoneSettings(true, Duration.ofSeconds(100), 0, null, 0);

    /** The settings of the first release, with no keepalive and no message size limit. */
    public ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections) {
        this(websockets, idleTimeout, maxWebSocketConnections, null, 0);
    }
}
