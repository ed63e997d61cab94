package dev.pier.examples.workers;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.MessageEvent;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An echo Durable Object that hibernates: it accepts each WebSocket with the Hibernation API,
 * so an idle instance leaves memory while its sockets stay open, and every message, text or
 * binary, is sent back as it came by whichever instance the message wakes. The JavaScript it
 * mirrors:
 *
 * <pre>{@code
 * export class EchoRoom extends DurableObject {
 *   async fetch(request) {
 *     const [client, server] = Object.values(new WebSocketPair());
 *     this.ctx.acceptWebSocket(server);
 *     return new Response(null, { status: 101, webSocket: client });
 *   }
 *   webSocketMessage(ws, message) { ws.send(message); }
 * }
 * }</pre>
 */
public final class EchoRoom implements DurableObject {

    private final DurableObjectState state;

    public EchoRoom(DurableObjectState state, Env env) {
        this.state = state;
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        if (!request.isWebSocketUpgrade()) {
            return CompletableFuture.completedFuture(Response.text(426, "Connect a WebSocket to this URL: every message comes back.\n"));
        }
        WebSocketPair pair = new WebSocketPair();
        state.acceptWebSocket(pair.server());
        return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
    }

    @Override
    public void webSocketMessage(WebSocket ws, MessageEvent message) {
        if (message.isText()) {
            ws.send(message.text());
        } else {
            ws.send(message.bytes());
        }
    }
}
