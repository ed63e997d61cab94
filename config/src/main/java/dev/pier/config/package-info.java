/**
 * Pier's configuration model: listeners, zones with their settings and proxied DNS records,
 * timeouts and the request log destination. It mirrors Cloudflare's model (a zone has settings
 * and DNS records; a proxied record routes a hostname to its origin) so that the later
 * Cloudflare-v4-style API maps onto it one to one.
 *
 * <p>A {@link dev.pier.config.PierConfig} is an immutable snapshot. The edge swaps snapshots
 * atomically on reload; open connections keep the snapshot they started with.
 */
package dev.pier.config;
