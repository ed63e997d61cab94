/**
 * Cloudflare's v4 API shapes over the store: the envelope ({@code success}, {@code errors},
 * {@code messages}, {@code result}, {@code result_info}), Cloudflare's error codes, API token
 * and legacy key authentication, and the resources, one {@code *Api} class each: zones, tokens,
 * settings, URL normalization, DNS records, custom certificates, rulesets, Worker routes, filters, lists and the
 * audit log. Each declares its routes ({@link dev.pier.control.api.Routes}: method, path template,
 * who may call it, permission, what the OpenAPI document says, handler).
 * {@link dev.pier.control.api.ControlApi} gathers them into one table, matches a request against
 * it and runs the handler inside the decorators every route goes through (authentication,
 * authorization by access, permission and zone scope, query limits, the after-write hook), with
 * failures mapped to the envelope around it all; the OpenAPI document is made from the same table
 * ({@link dev.pier.control.api.OpenApiDocument}). The API takes a plain request and returns a
 * plain response, so the listener that serves it (the admin listener) stays a thin adapter and the
 * API is tested without sockets.
 */
package dev.pier.control.api;
