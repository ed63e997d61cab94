package dev.pier.examples.workers;

import dev.pier.workers.CloseEvent;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Fetch;
import dev.pier.workers.Headers;
import dev.pier.workers.MessageEvent;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.Worker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Bridges a client's WebSocket to the origin's WebSocket named in the var {@code ORIGIN} (an
 * {@code http://} or {@code https://} URL): every message and close one side sends, the other
 * gets. When the origin refuses the WebSocket, its answer goes to the client. The JavaScript it
 * mirrors:
 *
 * <pre>{@code
 * export default {
 *   async fetch(request, env) {
 *     if (request.headers.get("Upgrade") !== "websocket") return new Response("...", { status: 426 });
 *     const answer = await fetch(env.ORIGIN, { headers: { Upgrade: "websocket" } });
 *     const origin = answer.webSocket;
 *     if (!origin) return answer;
 *     const [client, server] = Object.values(new WebSocketPair());
 *     server.accept();
 *     origin.accept();
 *     server.addEventListener("message", e => origin.send(e.data));
 *     origin.addEventListener("message", e => server.send(e.data));
 *     server.addEventListener("close", e => origin.close(e.code, e.reason));
 *     origin.addEventListener("close", e => server.close(e.code, e.reason));
 *     return new Response(null, { status: 101, webSocket: client });
 *   }
 * };
 * }</pre>
 */
public final class BridgeWorker implements Worker {

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        String origin = env.var("ORIGIN");
        if (origin == null) {
            return CompletableFuture.completedFuture(
                    Response.text(500, "Set the var ORIGIN to the origin's WebSocket URL (http:// or https://)\n"));
        }
        if (!request.isWebSocketUpgrade()) {
            return CompletableFuture.completedFuture(Response.text(426, "Connect a WebSocket: it is bridged to " + origin + "\n"));
        }
        Headers headers = Headers.of("upgrade", "websocket");
        String subprotocols = request.headers().get("sec-websocket-protocol");
        if (subprotocols != null) {
            headers.set("sec-websocket-protocol", subprotocols); // the origin chooses; its choice goes back to the client
        }
        return Fetch.fetch(new Request("GET", origin, headers, null)).thenApply(answer -> {
            WebSocket toOrigin = answer.webSocket();
            if (toOrigin == null) {
                return answer; // the origin refused the WebSocket
            }
            WebSocketPair pair = new WebSocketPair();
            WebSocket toClient = pair.server();
            toClient.accept();
            toOrigin.accept();
            toClient.addMessageListener(message -> forward(message, toOrigin));
            toOrigin.addMessageListener(message -> forward(message, toClient));
            toClient.addCloseListener(close -> closeWith(toOrigin, close, "the client's connection was lost"));
            toOrigin.addCloseListener(close -> closeWith(toClient, close, "the origin's connection was lost"));
            Headers chosen = new Headers();
            String subprotocol = answer.headers().get("sec-websocket-protocol");
            if (subprotocol != null) {
                chosen.set("sec-websocket-protocol", subprotocol);
            }
            return new Response(null, 101, null, chosen, pair.client());
        });
    }

    private static void forward(MessageEvent message, WebSocket to) {
        if (to.readyState() != WebSocket.OPEN) {
            return; // closing: the other side's close is on its way
        }
        if (message.isText()) {
            to.send(message.text());
        } else {
            to.send(message.bytes());
        }
    }

    /** Passes a close on with its code; a connection that was lost (1006, which no endpoint sends) closes the other with 1011. */
    private static void closeWith(WebSocket to, CloseEvent close, String lost) {
        if (close.wasClean()) {
            to.close(close.code(), close.reason());
        } else {
            to.close(1011, lost);
        }
    }
}
