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

    /**
     * Whether this Worker takes a request's body as it arrives: the edge calls {@link #fetch} when
     * the request's head is in, with the body a {@link Request#stream()} it writes as the client
     * sends (reading the client only while the Worker takes the chunks). By default, no: the
     * edge gathers the body first and the request carries it whole ({@link Request#bytes()}).
     */
    default boolean streamsRequestBodies() {
        return false;
    }
}
