package dev.pier.cli.control;

import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A Worker for the tests' file ({@code workers: [ { name: greeting, … } ]}): it answers every request with its path. */
public final class GreetingWorker implements Worker {

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        return CompletableFuture.completedFuture(Response.text(200, "greeting worker: " + request.path() + "\n"));
    }
}
