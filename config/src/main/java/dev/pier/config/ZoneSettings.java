package dev.pier.config;

import java.time.Duration;

/**
 * Per-zone settings, named after Cloudflare's zone settings.
 *
 * @param websockets              whether WebSocket upgrades are proxied ({@code websockets: on})
 * @param idleTimeout             a WebSocket with no data either way for this long is closed
 * @param maxWebSocketConnections concurrent WebSocket connections allowed; 0 means no limit
 */
public record ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections) {

    public static final ZoneSettings DEFAULTS = new ZoneSettings(true, Duration.ofSeconds(100), 0);
}
