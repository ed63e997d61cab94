package dev.pier.examples.workers;

import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.util.concurrent.CompletionStage;

/**
 * Sends each request to the {@link Counter} named by the last part of its path
 * ({@code /counter/lobby} counts in the object "lobby"), or by the part before {@code /alarm}
 * ({@code /counter/lobby/alarm?in=30} sets the alarm of "lobby"), through the binding
 * {@code COUNTERS}.
 */
public final class CounterWorker implements Worker {

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        DurableObjectNamespace counters = env.durableObject("COUNTERS");
        String path = request.path();
        if (path.endsWith("/alarm")) {
            path = path.substring(0, path.length() - "/alarm".length());
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return counters.get(counters.idFromName(name)).fetch(request);
    }
}
