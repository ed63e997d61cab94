package dev.pier.examples.workers;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.ListOptions;
import dev.pier.workers.MessageEvent;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.WebSocketRequestResponsePair;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * A chat room: one Durable Object per room name, whose members' WebSockets are hibernatable, so
 * an idle room leaves memory while its members stay connected, and their next message wakes it.
 *
 * <p>A member joins with a name ({@code ?name=ada}) or is called {@code anonymous-N}; the name is
 * its socket's attachment and tag, which outlive the instance, and no two members of a room share
 * one. Every member hears {@code * ada joined} and {@code * ada left}, and every message as
 * {@code ada: text}, in the order the room received them. The last {@value #HISTORY} messages are
 * kept in storage and replayed to whoever joins. Each message spends a token of its sender's
 * {@link RateLimiter} (the binding {@code LIMITERS}, by IP): without one, the sender alone hears
 * {@code ! ...} and nobody else hears the message. {@code /ping} is answered {@code /pong} by
 * the edge, without waking the room: a client's heartbeat.
 */
public final class ChatRoom implements DurableObject {

    static final int HISTORY = 100;
    /** The longest message a room keeps and sends on, in characters. */
    static final int MAX_MESSAGE = 4_096;
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_.-]{1,32}");
    private static final String NAME_TAG = "name:";

    private final DurableObjectState state;
    private final Env env;

    public ChatRoom(DurableObjectState state, Env env) {
        this.state = state;
        this.env = env;
        state.setWebSocketAutoResponse(new WebSocketRequestResponsePair("/ping", "/pong"));
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        if (!request.isWebSocketUpgrade()) {
            return answer(Response.text(426, "Join the room with a WebSocket.\n"));
        }
        String name;
        try {
            name = requestedName(request);
        } catch (IllegalArgumentException e) {
            return answer(Response.text(400, e.getMessage() + "\n"));
        }
        if (name == null) {
            name = anonymousName();
        } else if (!state.getWebSockets(NAME_TAG + name).isEmpty()) {
            return answer(Response.text(409, "The name " + name + " is taken in this room.\n"));
        }
        WebSocketPair pair = new WebSocketPair();
        WebSocket member = pair.server();
        state.acceptWebSocket(member, NAME_TAG + name);
        member.serializeAttachmentText(new Member(name, ClientIp.of(request)).attachment());
        for (byte[] line : state.storage().list(ListOptions.ALL.prefix("msg:")).values()) {
            member.send(new String(line, StandardCharsets.UTF_8)); // leaves once the room's 101 is out
        }
        broadcast("* " + name + " joined");
        return answer(Response.webSocket(pair.client()));
    }

    @Override
    public void webSocketMessage(WebSocket ws, MessageEvent message) {
        Member member = Member.of(ws);
        String text = message.text();
        if (text.length() > MAX_MESSAGE) {
            ws.send("! not sent: " + text.length() + " characters (at most " + MAX_MESSAGE + ")");
            return;
        }
        DurableObjectNamespace limiters = ChatWorker.binding(env, "LIMITERS");
        Response limited = RateLimiter.take(limiters, member.ip(), "messages").toCompletableFuture().join();
        if (limited.status() == 429) {
            ws.send("! not sent: too many messages from your address; the next in " + RateLimiter.retryAfter(limited) + " s");
            return;
        }
        say(member.name() + ": " + text);
    }

    @Override
    public void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) {
        broadcast("* " + Member.of(ws).name() + " left"); // the socket that closed is no longer among getWebSockets()
    }

    /**
     * The name the query asks for, or null when it asks for none.
     *
     * @throws IllegalArgumentException when it is not 1 to 32 letters, digits, '-', '_' or '.'
     */
    private static String requestedName(Request request) {
        String query = URI.create(request.url()).getRawQuery();
        for (String parameter : query == null ? new String[0] : query.split("&")) {
            if (parameter.startsWith("name=")) {
                String name = URLDecoder.decode(parameter.substring(5), StandardCharsets.UTF_8).strip();
                if (name.isEmpty()) {
                    return null;
                }
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("name: '" + name + "' (expected: 1 to 32 letters, digits, '-', '_' or '.')");
                }
                return name;
            }
        }
        return null;
    }

    /** The next {@code anonymous-N} nobody in the room has; N counts on in storage, so it survives the instance. */
    private String anonymousName() {
        String last = state.storage().getString("anonymous");
        long n = last == null ? 0 : Long.parseLong(last);
        String name;
        do {
            name = "anonymous-" + ++n;
        } while (!state.getWebSockets(NAME_TAG + name).isEmpty());
        state.storage().putString("anonymous", Long.toString(n));
        return name;
    }

    /** Keeps the message (the oldest beyond {@value #HISTORY} is forgotten) and sends it to every member. */
    private void say(String line) {
        String last = state.storage().getString("seq");
        long seq = last == null ? 1 : Long.parseLong(last) + 1;
        state.storage().putString("seq", Long.toString(seq));
        state.storage().putString(key(seq), line);
        if (seq > HISTORY) {
            state.storage().delete(key(seq - HISTORY));
        }
        broadcast(line);
    }

    private void broadcast(String line) {
        for (WebSocket m : state.getWebSockets()) {
            m.send(line);
        }
    }

    /** Keys that sort in message order: a zero-padded sequence number. */
    private static String key(long seq) {
        return "msg:%019d".formatted(seq);
    }

    private static CompletionStage<Response> answer(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    /** Who a member's socket is: its name and the address it joined from, kept as the socket's attachment ({@code NAME\nIP}). */
    private record Member(String name, String ip) {

        static Member of(WebSocket ws) {
            String attachment = ws.deserializeAttachmentText();
            int newline = attachment.indexOf('\n');
            return new Member(attachment.substring(0, newline), attachment.substring(newline + 1));
        }

        String attachment() {
            return name + "\n" + ip;
        }
    }
}
