package dev.pier.examples.workers;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.MessageEvent;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Durable Object of the Workers benchmark ({@code ../shared/bench/workerd/echo.js}'s
 * {@code Room}, in Java, hibernating as it does): under {@code /do/NAME} each socket gets its own
 * messages back, under {@code /fanout/NAME} every message goes to every socket of the object
 * (tagged "fanout", so the tag survives an eviction). No storage: what is measured is the
 * runtime's path for a message.
 */
public final class BenchRoom implements DurableObject {

    private final DurableObjectState state;

    public BenchRoom(DurableObjectState state, Env env) {
        this.state = state;
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        WebSocketPair pair = new WebSocketPair();
        if (request.path().startsWith("/fanout/")) {
            state.acceptWebSocket(pair.server(), "fanout");
        } else {
            state.acceptWebSocket(pair.server());
        }
        return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
    }

    @Override
    public void webSocketMessage(WebSocket ws, MessageEvent message) {
        List<WebSocket> to = state.getTags(ws).isEmpty() ? List.of(ws) : state.getWebSockets("fanout");
        for (WebSocket w : to) {
            if (message.isText()) {
                w.send(message.text());
            } else {
                w.send(message.bytes());
            }
        }
    }
}
