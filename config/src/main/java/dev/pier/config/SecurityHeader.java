package dev.pier.config;

/**
 * Cloudflare's {@code security_header} zone setting: HTTP Strict Transport Security and
 * {@code X-Content-Type-Options: nosniff}, added by the edge to what it sends over TLS.
 *
 * @param enabled           whether the edge sends {@code Strict-Transport-Security}
 * @param maxAge            its {@code max-age}, in seconds
 * @param includeSubdomains whether it carries {@code includeSubDomains}
 * @param preload           whether it carries {@code preload}
 * @param nosniff           whether the edge sends {@code X-Content-Type-Options: nosniff}
 */
public record SecurityHeader(boolean enabled, long maxAge, boolean includeSubdomains, boolean preload, boolean nosniff) {

    /** Cloudflare's default for a zone: nothing added. */
    public static final SecurityHeader OFF = new SecurityHeader(false, 0, false, false, false);

    /** The largest {@code max_age} accepted: two years, the most browsers' preload lists ask for. */
    public static final long MAX_AGE_LIMIT = 63_072_000;

    public SecurityHeader {
        if (maxAge < 0 || maxAge > MAX_AGE_LIMIT) {
            throw new IllegalArgumentException("max_age " + maxAge + " is outside 0 to " + MAX_AGE_LIMIT);
        }
    }

    /** Whether the edge adds any header for this setting. */
    public boolean addsHeaders() {
        return enabled || nosniff;
    }

    /** The {@code Strict-Transport-Security} value, e.g. {@code max-age=31536000; includeSubDomains; preload}. */
    public String strictTransportSecurity() {
        return "max-age=" + maxAge + (includeSubdomains ? "; includeSubDomains" : "") + (preload ? "; preload" : "");
    }
}
