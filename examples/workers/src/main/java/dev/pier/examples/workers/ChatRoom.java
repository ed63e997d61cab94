package dev.pier.examples.workers;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.ListOptions;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A chat room: one Durable Object per room name. Every message a member sends goes to every
 * member, in the order the room received them; the last {@value #HISTORY} are kept in storage and
 * replayed to whoever joins, so a room remembers its conversation across restarts.
 */
public final class ChatRoom implements DurableObject {

    static final int HISTORY = 100;

    private final DurableObjectState state;
    private final List<WebSocket> members = new ArrayList<>();

    public ChatRoom(DurableObjectState state, Env env) {
        this.state = state;
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        if (!request.isWebSocketUpgrade()) {
            return CompletableFuture.completedFuture(Response.text(426, "Join the room with a WebSocket.\n"));
        }
        WebSocketPair pair = new WebSocketPair();
        WebSocket member = pair.server();
        member.accept();
        for (byte[] line : state.storage().list(ListOptions.ALL.prefix("msg:")).values()) {
            member.send(new String(line, StandardCharsets.UTF_8)); // leaves once the room's 101 is out
        }
        member.addMessageListener(message -> say(message.text()));
        member.addCloseListener(close -> members.remove(member));
        member.addErrorListener(error -> members.remove(member));
        members.add(member);
        return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
    }

    /** Keeps the message (the oldest beyond {@value #HISTORY} is forgotten) and sends it to every member. */
    private void say(String text) {
        String last = state.storage().getString("seq");
        long seq = last == null ? 1 : Long.parseLong(last) + 1;
        state.storage().putString("seq", Long.toString(seq));
        state.storage().putString(key(seq), text);
        if (seq > HISTORY) {
            state.storage().delete(key(seq - HISTORY));
        }
        for (WebSocket m : List.copyOf(members)) {
            if (m.readyState() == WebSocket.OPEN) {
                m.send(text);
            }
        }
    }

    /** Keys that sort in message order: a zero-padded sequence number. */
    private static String key(long seq) {
        return "msg:%019d".formatted(seq);
    }
}
