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
 * edge in a 101, and the edge connects it to the client ({@link Host}).
 *
 * <p>Not thread-safe: a WebSocket and its listeners run on the client connection's event loop.
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

    /** What the edge that holds a client end does with the messages and the close its pair's server end sends. */
    public interface Transport {
        void send(String text);

        void send(byte[] bytes);

        void close(int code, String reason);
    }

    private WebSocket other;
    private Transport transport;
    private boolean accepted;
    private int readyState = OPEN;
    private boolean closeSent;
    private final List<Consumer<MessageEvent>> messageListeners = new ArrayList<>(1);
    private final List<Consumer<CloseEvent>> closeListeners = new ArrayList<>(1);
    private final List<Consumer<ErrorEvent>> errorListeners = new ArrayList<>(1);
    /** Events that arrived before {@link #accept()}; null once accepted. */
    private ArrayDeque<Object> early = new ArrayDeque<>(2);

    WebSocket() {
    }

    void pairWith(WebSocket server) {
        this.other = server;
        server.other = this;
    }

    /** Starts taking events: the ones that waited are delivered now, in order. */
    public void accept() {
        if (accepted) {
            return;
        }
        if (transport != null) {
            throw new IllegalStateException("this end is connected to a client by the edge: accept() the other end");
        }
        accepted = true;
        ArrayDeque<Object> waiting = early;
        early = null;
        for (Object event : waiting) {
            dispatch(event);
        }
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
     * @param code   1000, or 3000 to 4999 (RFC 6455 §7.4; the others are the protocol's own)
     * @param reason at most {@value #MAX_CLOSE_REASON} bytes of UTF-8
     */
    public void close(int code, String reason) {
        if (code != 1000 && (code < 3000 || code > 4999)) {
            throw new IllegalArgumentException("code: " + code + " (expected: 1000, or 3000 to 4999)");
        }
        String r = reason == null ? "" : reason;
        if (r.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON) {
            throw new IllegalArgumentException("reason: " + r.getBytes(StandardCharsets.UTF_8).length + " bytes (expected: at most "
                    + MAX_CLOSE_REASON + ")");
        }
        sendClose(code, r);
    }

    public void addMessageListener(Consumer<MessageEvent> listener) {
        messageListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void addCloseListener(Consumer<CloseEvent> listener) {
        closeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void addErrorListener(Consumer<ErrorEvent> listener) {
        errorListeners.add(Objects.requireNonNull(listener, "listener"));
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
        if (readyState == CLOSED) {
            return;
        }
        if (transport != null) {
            if (message instanceof String s) {
                transport.send(s);
            } else {
                transport.send((byte[]) message);
            }
        } else {
            deliver(new MessageEvent(message));
        }
    }

    private void receiveClose(int code, String reason) {
        if (transport != null) {
            readyState = closeSent ? CLOSED : CLOSING;
            transport.close(code, reason);
            return;
        }
        deliver(new CloseEvent(code, reason, true));
    }

    private void deliver(Object event) {
        if (early != null && !accepted) {
            early.add(event);
        } else {
            dispatch(event);
        }
    }

    private void dispatch(Object event) {
        switch (event) {
            case MessageEvent m -> messageListeners.forEach(l -> l.accept(m));
            case ErrorEvent e -> errorListeners.forEach(l -> l.accept(e));
            case CloseEvent c -> {
                readyState = closeSent ? CLOSED : CLOSING;
                closeListeners.forEach(l -> l.accept(c));
                if (c.wasClean()) {
                    sendClose(c.code() == 1005 ? 1000 : c.code(), c.reason()); // the handshake's answer, when the listener gave none
                }
                readyState = CLOSED;
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

        /** Connects {@code clientEnd} to a client: what its server end sends goes to {@code transport}. */
        public static void attach(WebSocket clientEnd, Transport transport) {
            if (clientEnd.other == null || clientEnd.transport != null || clientEnd.accepted) {
                throw new IllegalStateException("not the unused client end of a WebSocketPair");
            }
            clientEnd.transport = Objects.requireNonNull(transport, "transport");
            clientEnd.early = null;
        }

        /** A message from the client: the server end receives it. */
        public static void received(WebSocket clientEnd, Object message) {
            clientEnd.other.receive(message);
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
            server.deliver(new ErrorEvent(why));
            server.closeSent = true; // nobody is there to answer
            server.deliver(new CloseEvent(1006, "", false));
        }
    }
}
