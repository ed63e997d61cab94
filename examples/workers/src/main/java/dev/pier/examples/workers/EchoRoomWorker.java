package dev.pier.examples.workers;

import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.util.concurrent.CompletionStage;

/** Sends every request to the one {@link EchoRoom} named by its path's last segment, through the binding {@code ECHO}. */
public final class EchoRoomWorker implements Worker {

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        String path = request.path();
        DurableObjectNamespace rooms = env.durableObject("ECHO");
        return rooms.get(rooms.idFromName(path.substring(path.lastIndexOf('/') + 1))).fetch(request);
    }
}
