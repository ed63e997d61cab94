package dev.pier.workers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One end of a {@link WebSocketPair}, as Cloudflare's {@code WebSocket}: what it sends, the other
 * end receives as a message event. The end a Worker keeps must be {@link #accept() accepted}
 * before it sends; events that arrive before that wait for it. The other end goes back to the
 * edge in a 101, and the edge connects it to the client ({@link Host}). A {@link Fetch#fetch(Request)
 * fetch} that opens a WebSocket to an origin answers with the Worker's end of a pair whose other
 * end the edge connects to the origin.
 *
 * <p>A pair a stateless Worker makes runs on the client connection's event loop, listeners and
 * all. A pair a Durable Object makes during one of its events belongs to the object: the server
 * end's events are the object's events, one at a time on its thread, and what it sends leaves
 * once the event's writes are committed. Such an end the object accepts with
 * {@link DurableObjectState#acceptWebSocket} is hibernatable: its events go to the object's
 * {@code webSocketMessage}, {@code webSocketClose} and {@code webSocketError} rather than to
 * listeners, and it stays open while the object is evicted from memory, with its tags and its
 * {@link #serializeAttachment attachment}.
 */
public final class WebSocket {

    public static final int CONNECTING = 0;
    public static final int OPEN = 1;
    public static final int CLOSING = 2;
    public static final int CLOSED = 3;
    /** The largest message a WebSocket receives; a larger one closes the connection with 1009. */
    public static final int MAX_MESSAGE_SIZE = 32 * 1024 * 1024;
    /** The largest close reason, in UTF-8 bytes (RFC 6455 §5.5: 125 bytes of payload, 2 of them the code). */
    public static final int MAX_CLOSE_REASON = 123;
    /** The largest attachment, in bytes, as Cloudflare's. */
    public static final int MAX_ATTACHMENT_SIZE = 16 * 1024;

    /**
     * Where a pair made during an object's event lives (workerd's I/O context): the server end's
     * events are delivered as that object's events, one at a time, and what it sends during an
     * event leaves once the event's writes are committed (the output gate).
     */
    public interface EventContext {
        /**
         * Delivers an event of one of the object's server ends to the object, after the ones
         * before it; {@code message} tells a message (which the object's usage counts) from a
         * close or an error.
         */
        void deliver(Runnable event, boolean message);

        /** Holds {@code send} until the running event's writes are committed; drops it if they fail. */
        void hold(Runnable send);

        /** A pair the running event made: its server end is the object's until it closes. */
        void adopt(WebSocket serverEnd);

        /** A server end of the object's closed: it is no longer the object's. Called on the object's thread. */
        void released(WebSocket serverEnd);

        /** A message to a hibernatable server end, delivered as the object's event: its {@code webSocketMessage}. */
        void webSocketMessage(WebSocket serverEnd, MessageEvent message);

        /** A hibernatable server end's close, as the object's event: its {@code webSocketClose}. */
        void webSocketClose(WebSocket serverEnd, CloseEvent close);

        /** A hibernatable server end's error, as the object's event: its {@code webSocketError}. */
        void webSocketError(WebSocket serverEnd, ErrorEvent error);

        /**
         * The object's automatic answer to {@code message}, or null: answered on the edge's
         * thread, without an event and without waking the object. Called for text messages to
         * hibernatable server ends.
         */
        String autoResponse(String message);
    }

    /** The context of the event running on this thread; null outside a Durable Object's event. */
    private static final ThreadLocal<EventContext> CURRENT = new ThreadLocal<>();

    /**
     * What the edge that holds an end does with the messages and the close the other end sends:
     * the client end of a pair a Worker made (its connection is the client's), or either end of a
     * fetch's WebSocket (the origin's connection; the client's, when a Worker returns that end).
     */
    public interface Transport {
        void send(String text);

        void send(byte[] bytes);

        void close(int code, String reason);

        /**
         * The other end's connection ended without a close handshake: this connection ends the
         * same way. One that cannot be dropped at once closes with 1011.
         */
        default void abort(String why) {
            close(1011, "");
        }
    }

    private WebSocket other;
    private Transport transport;
    /** For a server end: the object whose event made the pair, or null (a stateless Worker's, on the connection's event loop). */
    private EventContext context;
    private boolean accepted;
    private int readyState = OPEN;
    private boolean closeSent;
    // Listeners and early events are made on first use: a hibernated socket has none, and an object may hold 32,768
    private List<Consumer<MessageEvent>> messageListeners;
    private List<Consumer<CloseEvent>> closeListeners;
    private List<Consumer<ErrorEvent>> errorListeners;
    /** Events that arrived before the end was accepted (or, for a client end, attached), in order; null while none did. */
    private ArrayDeque<Object> early;
    /** A hibernatable server end's tags (possibly none); null for any other end. */
    private String[] tags;
    private byte[] attachment;
    /** When the edge last answered a message with the object's auto-response, in epoch milliseconds; 0 if never. */
    private volatile long autoResponseMillis;

    WebSocket() {
    }

    void pairWith(WebSocket server) {
        this.other = server;
        server.other = this;
        server.context = CURRENT.get();
        if (server.context != null) {
            server.context.adopt(server);
        }
    }

    /** Starts taking events: the ones that waited are delivered now, in order. */
    public void accept() {
        if (tags != null) {
            throw new IllegalStateException("this WebSocket was accepted with acceptWebSocket(): it is hibernatable");
        }
        if (transport != null) {
            throw new IllegalStateException("this end is connected to a client by the edge: accept() the other end");
        }
        if (accepted) {
            return;
        }
        accepted = true;
        dispatchEarly();
    }

    private void dispatchEarly() {
        ArrayDeque<Object> waiting = early;
        early = null;
        if (waiting != null) {
            for (Object event : waiting) {
                dispatch(event);
            }
        }
    }

    /**
     * Keeps {@code value} with this WebSocket (Cloudflare's {@code serializeAttachment}): a
     * hibernatable one keeps it while its object is evicted, and the object finds it with
     * {@link #deserializeAttachment()} when it is constructed again. Null removes it.
     *
     * @throws IllegalArgumentException when it is over {@value #MAX_ATTACHMENT_SIZE} bytes
     */
    public void serializeAttachment(byte[] value) {
        if (value != null && value.length > MAX_ATTACHMENT_SIZE) {
            throw new IllegalArgumentException("attachment: " + value.length + " bytes (expected: at most " + MAX_ATTACHMENT_SIZE + ")");
        }
        attachment = value == null ? null : value.clone();
    }

    /** {@link #serializeAttachment(byte[])} of text, as UTF-8. */
    public void serializeAttachmentText(String value) {
        serializeAttachment(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** What {@link #serializeAttachment(byte[])} kept, or null. */
    public byte[] deserializeAttachment() {
        return attachment == null ? null : attachment.clone();
    }

    /** What {@link #serializeAttachmentText(String)} kept, or null. */
    public String deserializeAttachmentText() {
        return attachment == null ? null : new String(attachment, StandardCharsets.UTF_8);
    }

    public int readyState() {
        return readyState;
    }

    public void send(String text) {
        checkSendable();
        other.receive(Objects.requireNonNull(text, "text"));
    }

    public void send(byte[] bytes) {
        checkSendable();
        other.receive(Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** Closes with 1000 and no reason. */
    public void close() {
        close(1000, "");
    }

    /**
     * Starts the close handshake: the other end gets a close event and answers it.
     *
     * @param code   a code an endpoint may send (RFC 6455 §7.4): 1000 to 1003, 1007 to 1014, or 3000
     *               to 4999. Cloudflare takes the protocol's codes too, so a Worker that bridges two
     *               WebSockets passes on a 1001 or a 1011 as it came
     * @param reason at most {@value #MAX_CLOSE_REASON} bytes of UTF-8
     */
    public void close(int code, String reason) {
        if (!maySend(code)) {
            throw new IllegalArgumentException("code: " + code + " (expected: 1000 to 1003, 1007 to 1014, or 3000 to 4999)");
        }
        String r = reason == null ? "" : reason;
        if (r.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON) {
            throw new IllegalArgumentException("reason: " + r.getBytes(StandardCharsets.UTF_8).length + " bytes (expected: at most "
                    + MAX_CLOSE_REASON + ")");
        }
        sendClose(code, r);
    }

    public void addMessageListener(Consumer<MessageEvent> listener) {
        messageListeners = added(messageListeners, listener);
    }

    public void addCloseListener(Consumer<CloseEvent> listener) {
        closeListeners = added(closeListeners, listener);
    }

    public void addErrorListener(Consumer<ErrorEvent> listener) {
        errorListeners = added(errorListeners, listener);
    }

    private static <T> List<Consumer<T>> added(List<Consumer<T>> listeners, Consumer<T> listener) {
        List<Consumer<T>> out = listeners == null ? new ArrayList<>(1) : listeners;
        out.add(Objects.requireNonNull(listener, "listener"));
        return out;
    }

    private static <T> void notify(List<Consumer<T>> listeners, T event) {
        if (listeners != null) {
            for (Consumer<T> l : listeners) {
                l.accept(event);
            }
        }
    }

    /** RFC 6455 §7.4: 1004 is reserved, 1005, 1006 and 1015 only report, other codes below 3000 are unassigned. */
    private static boolean maySend(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    private void checkSendable() {
        if (transport == null && !accepted) {
            throw new IllegalStateException("accept() this WebSocket before sending on it");
        }
        if (readyState != OPEN) {
            throw new IllegalStateException("this WebSocket is " + (readyState == CLOSING ? "closing" : "closed"));
        }
    }

    private void sendClose(int code, String reason) {
        if (closeSent || readyState == CLOSED) {
            return;
        }
        closeSent = true;
        readyState = readyState == CLOSING ? CLOSED : CLOSING;
        other.receiveClose(code, reason);
    }

    /** What the other end sent. */
    private void receive(Object message) {
        EventContext running = CURRENT.get();
        if (running != null && other.context == running) {
            running.hold(() -> receive(message)); // the client end, sent to during the object's event
            return;
        }
        synchronized (this) {
            if (readyState == CLOSED) {
                return;
            }
            if (transport != null) {
                if (message instanceof String s) {
                    transport.send(s);
                } else {
                    transport.send((byte[]) message);
                }
                return;
            }
            if (context == null) {
                // Kept or dispatched under the same lock as the check: an edge that attaches this end meanwhile (a
                // fetch's end a Worker returned as it was) finds the message among the early ones, or it went out above
                deliverHere(new MessageEvent(message));
                return;
            }
        }
        deliver(new MessageEvent(message));
    }

    private void receiveClose(int code, String reason) {
        EventContext running = CURRENT.get();
        if (running != null && other.context == running) {
            running.hold(() -> receiveClose(code, reason));
            return;
        }
        synchronized (this) {
            if (transport != null) {
                readyState = closeSent ? CLOSED : CLOSING;
                transport.close(code, reason);
                return;
            }
            if (context == null) {
                deliverHere(new CloseEvent(code, reason, true)); // as a message: under the lock that attach takes
                return;
            }
        }
        deliver(new CloseEvent(code, reason, true));
    }

    private void deliver(Object event) {
        if (context != null && CURRENT.get() != context) {
            context.deliver(() -> deliverHere(event), event instanceof MessageEvent); // from the edge's thread: the object's next event
        } else {
            deliverHere(event);
        }
    }

    private synchronized void deliverHere(Object event) {
        if (!accepted) {
            if (early == null) {
                early = new ArrayDeque<>(2);
            }
            early.add(event);
        } else {
            dispatch(event);
        }
    }

    /** Hands an event to the object's handlers (a hibernatable end) or to the listeners. */
    private void dispatch(Object event) {
        switch (event) {
            case MessageEvent m -> {
                if (tags != null) {
                    context.webSocketMessage(this, m);
                } else {
                    notify(messageListeners, m);
                }
            }
            case ErrorEvent e -> {
                if (tags != null) {
                    context.webSocketError(this, e);
                } else {
                    notify(errorListeners, e);
                }
            }
            case CloseEvent c -> {
                readyState = closeSent ? CLOSED : CLOSING;
                try {
                    if (tags != null) {
                        context.webSocketClose(this, c);
                    } else {
                        notify(closeListeners, c);
                    }
                } finally {
                    try {
                        if (c.wasClean()) { // the handshake's answer, when the handler gave none, even when it threw
                            sendClose(c.code() == 1005 ? 1000 : c.code(), c.reason());
                        }
                    } finally {
                        readyState = CLOSED;
                        if (context != null) {
                            context.released(this);
                        }
                    }
                }
            }
            default -> throw new IllegalStateException("unknown event " + event);
        }
    }

    /**
     * What the edge does with the client end of a pair it connects to a client. Worker code has
     * no use for it.
     */
    public static final class Host {

        private Host() {
        }

        /**
         * Connects {@code clientEnd} to a connection, a client's or the origin's of a fetch: what its
         * server end sends goes to {@code transport}.
         */
        public static void attach(WebSocket clientEnd, Transport transport) {
            synchronized (clientEnd) {
                if (clientEnd.other == null || clientEnd.transport != null || clientEnd.accepted || clientEnd.context != null) {
                    throw new IllegalStateException("not the unused client end of a WebSocketPair");
                }
                clientEnd.transport = Objects.requireNonNull(transport, "transport");
                ArrayDeque<Object> sentBefore = clientEnd.early; // what the server end sent before its response went out
                clientEnd.early = null;
                clientEnd.accepted = true; // what the server end sends from now goes to the transport
                for (Object event : sentBefore == null ? List.of() : sentBefore) {
                    switch (event) {
                        case MessageEvent m when m.isText() -> transport.send(m.text());
                        case MessageEvent m -> transport.send(m.bytes());
                        case CloseEvent c -> transport.close(c.code(), c.reason());
                        default -> { }
                    }
                }
            }
        }

        /**
         * Ends a server end its object can no longer serve (the object failed and was reset): the
         * client gets {@code code} (1011, say) and the server end hears nothing more.
         */
        public static void terminate(WebSocket serverEnd, int code, String reason) {
            synchronized (serverEnd) {
                if (serverEnd.readyState == CLOSED || serverEnd.closeSent) {
                    serverEnd.readyState = CLOSED;
                    return;
                }
                serverEnd.closeSent = true;
                serverEnd.readyState = CLOSED;
            }
            serverEnd.other.receiveClose(code, reason);
        }

        /** Runs {@code event} as part of {@code context}'s running event (the runtime, around each event of an object). */
        public static void runIn(EventContext context, Runnable event) {
            EventContext before = CURRENT.get();
            CURRENT.set(context);
            try {
                event.run();
            } finally {
                CURRENT.set(before);
            }
        }

        /**
         * A message from the client: the server end receives it, unless it is hibernatable and
         * the message is its object's auto-response request, which is answered here, on the
         * caller's thread, without waking the object.
         */
        public static void received(WebSocket clientEnd, Object message) {
            WebSocket server = clientEnd.other;
            if (server.tags != null && message instanceof String text) {
                String reply = server.context.autoResponse(text);
                if (reply != null) {
                    server.autoResponseMillis = System.currentTimeMillis();
                    clientEnd.transport.send(reply);
                    return;
                }
            }
            server.receive(message);
        }

        /**
         * Makes a server end hibernatable with {@code tags} (the runtime's
         * {@code acceptWebSocket}, which checked them): its events go to {@code owner}'s handlers.
         *
         * @throws IllegalStateException when it is not an unaccepted server end made during one of {@code owner}'s events
         */
        public static void hibernatable(WebSocket serverEnd, EventContext owner, String[] tags) {
            synchronized (serverEnd) {
                if (serverEnd.context != owner || serverEnd.transport != null) {
                    throw new IllegalStateException("acceptWebSocket(): not the server end of a WebSocketPair this object made");
                }
                if (serverEnd.accepted || serverEnd.readyState != OPEN) {
                    throw new IllegalStateException("acceptWebSocket(): this WebSocket was accepted already, or is closed");
                }
                serverEnd.tags = tags.clone();
                serverEnd.accepted = true;
                serverEnd.dispatchEarly();
            }
        }

        /**
         * Runs {@code then} once the events delivered so far to {@code clientEnd}'s server end have
         * run: at once for a stateless Worker's pair (its events run as they are delivered), after
         * the events queued before it for an object's.
         */
        public static void afterPendingEvents(WebSocket clientEnd, Runnable then) {
            EventContext owner = clientEnd.other.context;
            if (owner == null) {
                then.run();
            } else {
                owner.deliver(then, false);
            }
        }

        /** Whether a server end was accepted with {@code acceptWebSocket}. */
        public static boolean isHibernatable(WebSocket serverEnd) {
            return serverEnd.tags != null;
        }

        /** A hibernatable server end's tags; empty for any other end. */
        public static List<String> tags(WebSocket serverEnd) {
            return serverEnd.tags == null ? List.of() : List.of(serverEnd.tags);
        }

        /** Whether a hibernatable server end has {@code tag}; a tag lookup that makes no list, for every message of a fan-out. */
        public static boolean hasTag(WebSocket serverEnd, String tag) {
            if (serverEnd.tags != null) {
                for (String t : serverEnd.tags) {
                    if (t.equals(tag)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** When the edge last answered an auto-response on this server end, in epoch milliseconds; 0 if never. */
        public static long autoResponseMillis(WebSocket serverEnd) {
            return serverEnd.autoResponseMillis;
        }

        /** The object a server end belongs to, or null (a stateless Worker's). */
        public static EventContext owner(WebSocket serverEnd) {
            return serverEnd.context;
        }

        /** The client's close frame: the server end gets a clean close event and answers it. */
        public static void closed(WebSocket clientEnd, int code, String reason) {
            if (clientEnd.closeSent) {
                clientEnd.readyState = CLOSED;
                return;
            }
            clientEnd.closeSent = true;
            clientEnd.readyState = CLOSING;
            clientEnd.other.receiveClose(code, reason);
        }

        /** The client's connection ended without a close handshake, or broke: an error event, then a close with 1006. */
        public static void failed(WebSocket clientEnd, String why) {
            if (clientEnd.readyState == CLOSED) {
                return;
            }
            clientEnd.readyState = CLOSED;
            clientEnd.closeSent = true;
            WebSocket server = clientEnd.other;
            if (server.readyState == CLOSED) {
                return;
            }
            if (server.transport != null) { // a fetch's WebSocket the Worker returned as it was: the edge joins two connections
                server.readyState = CLOSED;
                server.closeSent = true;
                server.transport.abort(why);
                return;
            }
            server.deliver(new ErrorEvent(why));
            server.closeSent = true; // nobody is there to answer
            server.deliver(new CloseEvent(1006, "", false));
        }
    }
}
