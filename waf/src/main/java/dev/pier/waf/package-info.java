/**
 * The WAF on the request phases, and so on every WebSocket upgrade request (never after the
 * 101): a zone's rulesets compiled once per configuration ({@link dev.pier.waf.ZoneWaf}), run
 * in Cloudflare's order over one request's fields, ending in a {@link dev.pier.waf.Verdict}
 * that the edge acts on. The edge decides nothing itself; this package decides and the edge acts.
 */
package dev.pier.waf;
