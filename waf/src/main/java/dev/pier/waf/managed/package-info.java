/**
 * Managed rules: the rulesets Pier ships (an OWASP Core Ruleset written in the rules language
 * over normalised inputs, with a few detection functions), run with Cloudflare's overrides and
 * anomaly scoring: every matching rule adds its severity's points, and the anomaly score rule
 * acts when the sum reaches the threshold (low 60, medium 40, high 25).
 */
package dev.pier.waf.managed;
