package dev.pier.examples.workers;

import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.Worker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Cloudflare's WebSocket echo Worker, in Java: a WebSocket upgrade gets a socket that sends every
 * message back as it came; any other request gets a line that says how to connect. The
 * JavaScript it mirrors:
 *
 * <pre>{@code
 * export default {
 *   async fetch(request) {
 *     if (request.headers.get("Upgrade") !== "websocket") return new Response("...", { status: 426 });
 *     const [client, server] = Object.values(new WebSocketPair());
 *     server.accept();
 *     server.addEventListener("message", event => server.send(event.data));
 *     return new Response(null, { status: 101, webSocket: client });
 *   }
 * };
 * }</pre>
 */
public final class EchoWorker implements Worker {

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        if (!request.isWebSocketUpgrade()) {
            String hint = env.var("HINT") != null ? env.var("HINT") : "Connect a WebSocket to this URL: every message comes back.";
            return CompletableFuture.completedFuture(Response.text(426, hint + "\n"));
        }
        WebSocketPair pair = new WebSocketPair();
        WebSocket server = pair.server();
        server.accept();
        server.addMessageListener(message -> {
            if (message.isText()) {
                server.send(message.text());
            } else {
                server.send(message.bytes());
            }
        });
        return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
    }
}
