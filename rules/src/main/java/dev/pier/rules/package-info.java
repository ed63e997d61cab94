/**
 * Cloudflare's Rules language, the wirefilter syntax: {@code http.host eq "example.com" and not
 * ip.src in {10.0.0.0/8}}. A {@link dev.pier.rules.Scheme} of typed fields is built once; an
 * expression is parsed against it (type errors are parse errors, reported with the column),
 * compiled to closures, and executed over an array-indexed {@link dev.pier.rules.Context}.
 * Hostile expressions are bounded: length, nesting, and linear-time regular expressions (RE2).
 */
package dev.pier.rules;
