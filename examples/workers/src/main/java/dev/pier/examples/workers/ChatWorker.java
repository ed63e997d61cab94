package dev.pier.examples.workers;

import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.Env;
import dev.pier.workers.Headers;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends a WebSocket to {@code /chat/ROOM} to the {@link ChatRoom} of that name, through the
 * binding {@code ROOMS}; a browser that opens the same URL gets a small page that joins the room.
 */
public final class ChatWorker implements Worker {

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        String path = request.path();
        String room = path.substring(path.lastIndexOf('/') + 1);
        if (!request.isWebSocketUpgrade()) {
            return CompletableFuture.completedFuture(new Response(page(room).getBytes(StandardCharsets.UTF_8), 200,
                    Headers.of("content-type", "text/html;charset=UTF-8")));
        }
        DurableObjectNamespace rooms = env.durableObject("ROOMS");
        return rooms.get(rooms.idFromName(room)).fetch(request);
    }

    /** The page: the room's messages, a line to write in, and a WebSocket to this same URL. */
    private static String page(String room) {
        String name = room.replaceAll("[^A-Za-z0-9_-]", "");
        return """
                <!doctype html>
                <meta charset="utf-8"><title>Pier chat: %1$s</title>
                <style>body{font:15px system-ui;max-width:40em;margin:2em auto}#log{border:1px solid #ccc;height:20em;overflow:auto;padding:.5em}
                input{width:100%%;font:inherit;margin-top:.5em}</style>
                <h1>Room %1$s</h1>
                <p>A Java Worker hands this room's WebSockets to a Durable Object; it keeps the last 100 messages.</p>
                <div id="log"></div><input id="say" placeholder="Say something and press Enter" autofocus>
                <script>
                const log = document.getElementById("log"), say = document.getElementById("say");
                const ws = new WebSocket(location.href.replace(/^http/, "ws"));
                ws.onmessage = e => { const p = document.createElement("p"); p.textContent = e.data; log.append(p); log.scrollTop = 1e9; };
                ws.onclose = e => { log.append("(closed: " + e.code + ")"); };
                say.onkeydown = e => { if (e.key === "Enter" && say.value) { ws.send(say.value); say.value = ""; } };
                </script>
                """.formatted(name);
    }
}
