/**
 * Cloudflare's v4 API shapes over the store: the envelope ({@code success}, {@code errors},
 * {@code messages}, {@code result}, {@code result_info}), Cloudflare's error codes, API token
 * and legacy key authentication, zones and zone settings. {@link dev.pier.control.api.ControlApi}
 * takes a plain request and returns a plain response, so the listener that serves it (the
 * admin listener) stays a thin adapter and the API is tested without sockets.
 */
package dev.pier.control.api;
