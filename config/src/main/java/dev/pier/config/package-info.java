/**
 * Pier's configuration model: listeners, zones with their settings and proxied DNS records,
 * timeouts, TLS, the WAF's node settings and the request log destination. It mirrors
 * Cloudflare's model (a zone has settings, DNS records and rulesets; a proxied record routes a
 * hostname to its origin), so the control plane's Cloudflare v4 API maps onto it one to one.
 *
 * <p>A {@link dev.pier.config.PierConfig} is an immutable snapshot. The edge swaps snapshots
 * atomically on reload; open connections keep the snapshot they started with.
 */
package dev.pier.config;
