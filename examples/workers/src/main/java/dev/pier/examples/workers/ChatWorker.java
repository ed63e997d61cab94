package dev.pier.examples.workers;

import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.util.concurrent.CompletionStage;

/** Sends {@code /chat/ROOM} to the {@link ChatRoom} of that name, through the binding {@code ROOMS}. */
public final class ChatWorker implements Worker {

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        DurableObjectNamespace rooms = env.durableObject("ROOMS");
        String path = request.path();
        return rooms.get(rooms.idFromName(path.substring(path.lastIndexOf('/') + 1))).fetch(request);
    }
}
