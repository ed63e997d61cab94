package dev.pier.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-zone settings, named after Cloudflare's zone settings. Each one is defined once, in
 * {@link ZoneSetting#ALL}: its YAML key, API id, codec, default and check.
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
 * @param securityHeader          HSTS and nosniff headers on what the edge sends over TLS
 */
public record ZoneSettings(boolean websockets, Duration idleTimeout, int maxWebSocketConnections,
                           Duration keepalive, long maxMessageSize, SslMode ssl, String minTlsVersion,
                           Duration proxyReadTimeout, UrlNormalization urlNormalization, SecurityHeader securityHeader) {

    /** Every setting at its default: what a zone has when nothing sets it. */
    public static final ZoneSettings DEFAULTS = new ZoneSettings(true, Duration.ofSeconds(100), 0, null, 0, SslMode.OFF, "1.2",
            null, UrlNormalization.DEFAULT, SecurityHeader.OFF);

    public ZoneSettings {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(ssl, "ssl");
        Objects.requireNonNull(minTlsVersion, "minTlsVersion");
        Objects.requireNonNull(urlNormalization, "urlNormalization");
        Objects.requireNonNull(securityHeader, "securityHeader");
    }

    /** A builder starting from {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The origin read timeout for this zone, given the node's. */
    public Duration originResponse(Duration node) {
        return proxyReadTimeout != null ? proxyReadTimeout : node;
    }

    /** Builds {@link ZoneSettings}; a setting not set keeps the value the builder started from. */
    public static final class Builder {
        private boolean websockets;
        private Duration idleTimeout;
        private int maxWebSocketConnections;
        private Duration keepalive;
        private long maxMessageSize;
        private SslMode ssl;
        private String minTlsVersion;
        private Duration proxyReadTimeout;
        private UrlNormalization urlNormalization;
        private SecurityHeader securityHeader;

        private Builder(ZoneSettings from) {
            websockets = from.websockets;
            idleTimeout = from.idleTimeout;
            maxWebSocketConnections = from.maxWebSocketConnections;
            keepalive = from.keepalive;
            maxMessageSize = from.maxMessageSize;
            ssl = from.ssl;
            minTlsVersion = from.minTlsVersion;
            proxyReadTimeout = from.proxyReadTimeout;
            urlNormalization = from.urlNormalization;
            securityHeader = from.securityHeader;
        }

        public Builder websockets(boolean value) {
            websockets = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder maxWebSocketConnections(int value) {
            maxWebSocketConnections = value;
            return this;
        }

        public Builder keepalive(Duration value) {
            keepalive = value;
            return this;
        }

        public Builder maxMessageSize(long value) {
            maxMessageSize = value;
            return this;
        }

        public Builder ssl(SslMode value) {
            ssl = value;
            return this;
        }

        public Builder minTlsVersion(String value) {
            minTlsVersion = value;
            return this;
        }

        public Builder proxyReadTimeout(Duration value) {
            proxyReadTimeout = value;
            return this;
        }

        public Builder urlNormalization(UrlNormalization value) {
            urlNormalization = value;
            return this;
        }

        public Builder securityHeader(SecurityHeader value) {
            securityHeader = value;
            return this;
        }

        public ZoneSettings build() {
            return new ZoneSettings(websockets, idleTimeout, maxWebSocketConnections, keepalive, maxMessageSize, ssl,
                    minTlsVersion, proxyReadTimeout, urlNormalization, securityHeader);
        }
    }
}
