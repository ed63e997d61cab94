package dev.pier.edge.http;

import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * What a client sent before it could be handled, in order: a pipelined request while the one
 * before it is served, a request body while its upstream connection is not up yet. Holds no
 * queue while empty, which is most of the time.
 */
final class DeferredMessages {

    private ArrayDeque<Object> queue;

    void add(Object message) {
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        queue.add(message);
    }

    boolean isEmpty() {
        return queue == null || queue.isEmpty();
    }

    Object peek() {
        return queue == null ? null : queue.peek();
    }

    Object poll() {
        return queue == null ? null : queue.poll();
    }

    /** Drops everything waiting: the connection closes, or nothing but WebSocket frames may follow. */
    void release() {
        if (queue != null) {
            queue.forEach(ReferenceCountUtil::release);
            queue.clear();
        }
    }
}
