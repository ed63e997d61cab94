/**
 * Rulesets in Cloudflare's shape: a phase, rules with an expression and an action, the
 * action's parameters (custom responses, skips, managed ruleset overrides, origin routes) and
 * rate limits. Read from the YAML file and from the API's JSON bodies alike, with errors
 * that name the key they are about. Expressions are kept as written; the WAF compiles them.
 */
package dev.pier.config.ruleset;
