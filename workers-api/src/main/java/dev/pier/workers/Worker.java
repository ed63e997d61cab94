package dev.pier.workers;

import java.util.concurrent.CompletionStage;

/**
 * A stateless request handler: Cloudflare's module Worker's {@code fetch(request, env, ctx)}.
 * It is called on the client connection's event loop, so it must not block: work that waits
 * (a fetch, a timer) returns a stage that completes later, and everything after the response
 * goes to {@link ExecutionContext#waitUntil}.
 */
@FunctionalInterface
public interface Worker {

    CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx);
}
