/**
 * Cloudflare's v4 API shapes over the store: the envelope ({@code success}, {@code errors},
 * {@code messages}, {@code result}, {@code result_info}), Cloudflare's error codes, API token
 * and legacy key authentication, and the resources: zones, settings, DNS records, custom
 * certificates, rulesets, lists and the audit log. {@link dev.pier.control.api.ControlApi}
 * routes a request by one table ({@link dev.pier.control.api.Route}) that says who may call what;
 * it takes a plain request and returns a plain response, so the listener that serves it (the
 * admin listener) stays a thin adapter and the API is tested without sockets.
 */
package dev.pier.control.api;
