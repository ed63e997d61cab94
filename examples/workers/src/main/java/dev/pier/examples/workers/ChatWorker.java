package dev.pier.examples.workers;

import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends a WebSocket to {@code /chat/ROOM} (with {@code ?name=} for a name) to the {@link ChatRoom}
 * of that name, through the binding {@code ROOMS}, once the client's {@link RateLimiter} (the
 * binding {@code LIMITERS}, one per IP) gave it a token to join: without one it answers 429. A
 * browser that opens the same URL gets a small page that asks for a name and joins the room.
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
        DurableObjectNamespace rooms = binding(env, "ROOMS");
        return RateLimiter.take(binding(env, "LIMITERS"), ClientIp.of(request), "joins").thenCompose(limited -> {
            if (limited.status() == 429) {
                String seconds = RateLimiter.retryAfter(limited);
                return CompletableFuture.completedFuture(new Response(
                        ("Too many joins from your address: try again in " + seconds + " s.\n").getBytes(StandardCharsets.UTF_8), 429,
                        Headers.of("content-type", "text/plain;charset=UTF-8", "retry-after", seconds)));
            }
            return rooms.get(rooms.idFromName(room)).fetch(request);
        });
    }

    /** @throws IllegalStateException when the script's configuration does not bind {@code name} */
    static DurableObjectNamespace binding(Env env, String name) {
        DurableObjectNamespace namespace = env.durableObject(name);
        if (namespace == null) {
            throw new IllegalStateException("the chat needs the Durable Object binding " + name
                    + " (ROOMS: dev.pier.examples.workers.ChatRoom, LIMITERS: dev.pier.examples.workers.RateLimiter)");
        }
        return namespace;
    }

    /** The page: a name to join with, then the room's lines and a line to write in, over a WebSocket to this same URL. */
    private static String page(String room) {
        String name = room.replaceAll("[^A-Za-z0-9_-]", "");
        return """
                <!doctype html>
                <meta charset="utf-8"><title>Pier chat: %1$s</title>
                <style>body{font:15px system-ui;max-width:40em;margin:2em auto}#log{border:1px solid #ccc;height:20em;overflow:auto;padding:.5em}
                input{width:100%%;font:inherit;margin-top:.5em}</style>
                <h1>Room %1$s</h1>
                <p>A Java Worker hands this room's WebSockets to a Durable Object; it keeps the last 100 messages.</p>
                <div id="log"></div><input id="say" placeholder="Your name (or none), then Enter to join" autofocus>
                <script>
                const log = document.getElementById("log"), say = document.getElementById("say");
                const show = text => { const p = document.createElement("p"); p.textContent = text; log.append(p); log.scrollTop = 1e9; };
                let ws = null;
                function join(name) {
                  ws = new WebSocket(location.href.replace(/^http/, "ws").replace(/[?#].*/, "") + "?name=" + encodeURIComponent(name));
                  ws.onopen = () => { say.placeholder = "Say something and press Enter"; };
                  ws.onmessage = e => { if (e.data !== "/pong") show(e.data); };
                  ws.onclose = e => { show("(closed: " + e.code + (e.code === 1006 ? ", the name may be taken or you joined too often" : "")
                      + ")"); ws = null; say.placeholder = "Your name (or none), then Enter to join again"; };
                }
                say.onkeydown = e => {
                  if (e.key !== "Enter") return;
                  if (!ws) join(say.value.trim()); else if (say.value && ws.readyState === 1) ws.send(say.value);
                  say.value = "";
                };
                setInterval(() => { if (ws && ws.readyState === 1) ws.send("/ping"); }, 30000); // answered by the edge: the room sleeps on
                </script>
                """.formatted(name);
    }
}
