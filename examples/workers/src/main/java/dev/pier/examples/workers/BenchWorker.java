package dev.pier.examples.workers;

import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.util.concurrent.CompletionStage;

/**
 * The Worker of the Workers benchmark ({@code ../shared/bench/workerd/echo.js}'s default export, in
 * Java): {@code /do/NAME} and {@code /fanout/NAME} go to the {@link BenchRoom} of that path, any
 * other WebSocket is echoed by the Worker itself ({@link EchoWorker}).
 */
public final class BenchWorker implements Worker {

    private final EchoWorker echo = new EchoWorker();

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        String path = request.path();
        if (request.isWebSocketUpgrade() && (path.startsWith("/do/") || path.startsWith("/fanout/"))) {
            DurableObjectNamespace rooms = env.durableObject("ROOM");
            return rooms.get(rooms.idFromName(path)).fetch(request);
        }
        return echo.fetch(request, env, ctx);
    }
}
