package dev.pier.examples.workers;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Durable Object that counts: each request adds one to its stored count and answers it. One
 * object per name, so each counter counts on its own, and what it counted survives restarts.
 */
public final class Counter implements DurableObject {

    private final DurableObjectState state;

    public Counter(DurableObjectState state, Env env) {
        this.state = state;
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        String stored = state.storage().getString("count");
        long count = (stored == null ? 0 : Long.parseLong(stored)) + 1;
        state.storage().putString("count", Long.toString(count));
        return CompletableFuture.completedFuture(new Response(Long.toString(count)));
    }
}
