package dev.pier.examples.workers;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Durable Object of the Workers benchmark ({@code ../shared/bench/workerd/echo.js}'s
 * {@code Room}, in Java): under {@code /do/NAME} each socket gets its own messages back, under
 * {@code /fanout/NAME} every message goes to every socket of the object. No storage: what is
 * measured is the runtime's path for a message.
 */
public final class BenchRoom implements DurableObject {

    private final List<WebSocket> sockets = new ArrayList<>();

    public BenchRoom(DurableObjectState state, Env env) {
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        boolean fanout = request.path().startsWith("/fanout/");
        WebSocketPair pair = new WebSocketPair();
        WebSocket socket = pair.server();
        socket.accept();
        sockets.add(socket);
        socket.addMessageListener(message -> {
            for (WebSocket to : fanout ? List.copyOf(sockets) : List.of(socket)) {
                if (to.readyState() == WebSocket.OPEN) {
                    if (message.isText()) {
                        to.send(message.text());
                    } else {
                        to.send(message.bytes());
                    }
                }
            }
        });
        socket.addCloseListener(close -> sockets.remove(socket));
        return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
    }
}
