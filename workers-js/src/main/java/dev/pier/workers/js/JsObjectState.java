package dev.pier.workers.js;

import dev.pier.workers.DurableObjectState;
import dev.pier.workers.WebSocket;
import java.util.IdentityHashMap;
import java.util.Map;
import org.graalvm.polyglot.Value;

/**
 * One construction of a JavaScript Durable Object: the Java state its {@code ctx} is over, and the
 * JavaScript WebSocket of each of its Java ones, so that its events get the very objects it
 * accepted (a new one is made for a socket accepted before an eviction). The handle objects.js
 * passes back to {@link JsObjects}. Touched by the object's events only, one at a time.
 */
final class JsObjectState {

    final DurableObjectState state;
    private final Map<WebSocket, Value> sockets = new IdentityHashMap<>();

    JsObjectState(DurableObjectState state) {
        this.state = state;
    }

    Value socket(WebSocket ws) {
        return sockets.get(ws);
    }

    void remember(WebSocket ws, Value js) {
        sockets.put(ws, js);
    }

    /** A socket closed: its JavaScript object is no longer kept here. */
    void forget(WebSocket ws) {
        sockets.remove(ws);
    }
}
