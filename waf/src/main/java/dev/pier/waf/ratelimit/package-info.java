/**
 * Rate limiting counters: per edge node (like Cloudflare's per data center), or shared by
 * several nodes through Redis so that they enforce one limit together.
 */
package dev.pier.waf.ratelimit;
