package dev.pier.config;

/**
 * Overrides the origin port for one host name. Cloudflare expresses this as an Origin Rule
 * ({@code http.host eq "..."} with a destination port); until the rules language lands, Pier
 * accepts the host name match only.
 *
 * @param hostname the exact host name the rule applies to, lower case
 * @param port     the origin port to use instead of the port the client connected to
 */
public record OriginRule(String hostname, int port) {
}
