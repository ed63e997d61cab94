/**
 * Challenges ({@code managed_challenge}, {@code js_challenge}, {@code challenge}): a page with
 * a small proof-of-work script that a browser passes by itself, and the signed
 * {@code cf_clearance} cookie it earns. A WebSocket upgrade cannot run a page, so it needs the
 * clearance already (the page that opens the socket passes the challenge first).
 */
package dev.pier.waf.challenge;
