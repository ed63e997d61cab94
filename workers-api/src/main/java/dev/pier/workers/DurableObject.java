package dev.pier.workers;

import java.util.concurrent.CompletionStage;

/**
 * A Durable Object class: one instance per {@link DurableObjectId}, which handles one event at a
 * time and keeps its state in {@link DurableObjectState#storage()}. A class implements this and
 * has a public constructor {@code (DurableObjectState state, Env env)}, as Cloudflare's
 * {@code constructor(ctx, env)}.
 *
 * <p>Its events run on a thread of the object's own, one after the other: storage calls may
 * block, and while one event runs no other is delivered (Cloudflare's input gate). Writes an
 * event makes are committed together when it ends, and its response waits for that commit
 * (Cloudflare's output gate): nobody hears of a write that could still be lost.
 *
 * <p>An event that throws fails alone, as on Cloudflare: the writes it made before it threw are
 * committed (the output gate does not undo them), what it sent leaves, and the object keeps its
 * instance and its WebSockets. A request's exception goes to the caller's stub as a {@link
 * DurableObjectException}; a WebSocket event's is logged; an alarm's makes the alarm run again.
 * Only these reset the object (its event's writes dropped, its WebSockets closed with 1011, a new
 * instance on its next event): its constructor or a {@link DurableObjectState#blockConcurrencyWhile}
 * callback throwing, {@link DurableObjectState#abort}, a commit that fails, a hibernatable WebSocket
 * event past its timeout, and an event that breaks a CPU or memory limit.
 */
public interface DurableObject {

    /** A request a stub sent to this object. */
    CompletionStage<Response> fetch(Request request);

    /**
     * The object's alarm went off ({@link DurableObjectStorage#setAlarm}). When it completes, the
     * alarm is deleted (unless it set a new one); when it fails, it runs again after 2, 4, 8, …
     * seconds, at most {@value #ALARM_RETRIES} times, as on Cloudflare.
     */
    default CompletionStage<Void> alarm(AlarmInfo info) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * A message on one of its hibernatable WebSockets ({@link DurableObjectState#acceptWebSocket}).
     * Like every event, it runs on the object's thread and may block; when it throws, the exception
     * is logged and the object and the socket go on.
     */
    default void webSocketMessage(WebSocket ws, MessageEvent message) {
    }

    /**
     * A hibernatable WebSocket closed: the client's close frame ({@code wasClean}), or its
     * connection ended without one (1006). A clean close is answered with the same code once
     * this returns, unless it closed the socket itself.
     */
    default void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) {
    }

    /** A hibernatable WebSocket failed; its close follows. */
    default void webSocketError(WebSocket ws, ErrorEvent error) {
    }

    /** How many times a failed alarm runs again. */
    int ALARM_RETRIES = 6;

    /**
     * Cloudflare's {@code alarmInfo}.
     *
     * @param retryCount how many times this alarm ran before and failed
     */
    record AlarmInfo(int retryCount) {

        public boolean isRetry() {
            return retryCount > 0;
        }
    }
}
