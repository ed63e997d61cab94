/**
 * Cloudflare's Workers API in Java, what Worker code compiles against: {@link dev.pier.workers.Worker}
 * ({@code fetch(request, env, ctx)}), {@link dev.pier.workers.Request}, {@link dev.pier.workers.Response},
 * {@link dev.pier.workers.Headers}, {@link dev.pier.workers.WebSocketPair} and
 * {@link dev.pier.workers.WebSocket}, {@link dev.pier.workers.ExecutionContext},
 * {@link dev.pier.workers.Env} and the global {@link dev.pier.workers.Fetch#fetch(dev.pier.workers.Request) fetch}.
 * Each maps one to one onto its JavaScript namesake, so a JavaScript
 * runtime can sit on top of it.
 */
package dev.pier.workers;
