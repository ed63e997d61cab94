package dev.pier.config;

/**
 * How the edge talks to a zone's origins, named as Cloudflare's SSL/TLS encryption modes.
 */
public enum SslMode {
    /** Plain HTTP to the origin. */
    OFF,
    /** Plain HTTP to the origin (the client side may still use TLS). */
    FLEXIBLE,
    /** TLS to the origin; its certificate is not checked. */
    FULL,
    /** TLS to the origin; its certificate and host name are checked against the system's or the zone's CA. */
    STRICT;

    public boolean tlsToOrigin() {
        return this == FULL || this == STRICT;
    }
}
