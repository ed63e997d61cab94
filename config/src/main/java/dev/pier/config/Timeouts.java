package dev.pier.config;

import java.time.Duration;

/**
 * Origin-facing timeouts, with Cloudflare's published defaults.
 *
 * @param originConnect  connect timeout; when it passes the client gets 522
 * @param originResponse how long the origin may take to send a response head (including the
 *                       101 of an upgrade); when it passes the client gets 524
 * @param closeGrace     how long a WebSocket close handshake may take before the edge closes TCP
 * @param requestHead    how long a client may take to send a whole request head (slowloris
 *                       defence: 408), and how long a keep-alive connection may sit idle
 *                       between requests
 * @param shutdownGrace  on shutdown, how long WebSocket close handshakes and HTTP requests in
 *                       flight may take before what is left is closed
 * @param upgradeDrain   when a new Pier process takes over, how long the old one keeps serving
 *                       its open WebSockets before it closes them (1001) and exits
 */
public record Timeouts(Duration originConnect, Duration originResponse, Duration closeGrace, Duration requestHead,
                       Duration shutdownGrace, Duration upgradeDrain) {

    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(15), Duration.ofSeconds(100),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMinutes(10));
}
