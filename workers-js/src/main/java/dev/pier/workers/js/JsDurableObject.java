package dev.pier.workers.js;

import dev.pier.workers.DurableObject;
import dev.pier.workers.ErrorEvent;
import dev.pier.workers.MessageEvent;
import dev.pier.workers.Request;
import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.graalvm.polyglot.Value;

/**
 * A JavaScript Durable Object instance as the Java runtime runs it: each event calls the
 * instance's method in its context, and the event lasts until the promise the method returned
 * settles (a hibernatable WebSocket's handler blocks the object's event thread until then, which
 * is what the runtime's gates expect). A method that throws or rejects fails its event with a
 * {@link ScriptError} (the object goes on, as on Cloudflare); a context that a broken limit stopped
 * fails every event of its objects with that limit, which resets them.
 * Each event is an invocation of its own, as on Cloudflare, where each request, WebSocket message
 * and alarm an object gets starts its CPU time anew: its CPU time and subrequests count from 0.
 */
final class JsDurableObject implements DurableObject {

    private final JsRealm realm;
    private final JsObjectState handle;
    private final Value instance;
    private final Value ctx;
    private final Value objectFetch;
    private final Value objectCall;
    private final Value objectSocket;
    /** Looked up once: a message's bytes become an ArrayBuffer without a member lookup per message. */
    private final Value arrayBuffer;
    private final Value errorOf;

    JsDurableObject(JsRealm realm, JsObjectState handle, Value instance, Value ctx) {
        this.realm = realm;
        this.handle = handle;
        this.instance = instance;
        this.ctx = ctx;
        this.objectFetch = realm.internal("objectFetch");
        this.objectCall = realm.internal("objectCall");
        this.objectSocket = realm.internal("objectSocket");
        this.arrayBuffer = realm.internal("arrayBuffer");
        this.errorOf = realm.internal("errorOf");
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        return event(answer, () -> objectFetch.executeVoid(instance, ctx, request, answer));
    }

    @Override
    public CompletionStage<Void> alarm(AlarmInfo info) {
        return call("alarm", info.retryCount(), info.isRetry()).thenApply(x -> null);
    }

    @Override
    public void webSocketMessage(WebSocket ws, MessageEvent message) {
        Object data = message.isText() ? message.text() : ByteBuffer.wrap((byte[]) message.data());
        await(callWithSocket("webSocketMessage", ws, data, null, null));
    }

    @Override
    public void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) {
        try {
            await(callWithSocket("webSocketClose", ws, code, reason, wasClean));
        } finally {
            handle.forget(ws);
        }
    }

    @Override
    public void webSocketError(WebSocket ws, ErrorEvent error) {
        await(callWithSocket("webSocketError", ws, error.message(), null, null));
    }

    /** Calls a method of the instance with a hibernatable WebSocket first (its JavaScript object) and the other arguments. */
    private CompletableFuture<Object> callWithSocket(String method, WebSocket ws, Object a, Object b, Object c) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        return event(done, () -> {
            Value socket = objectSocket.execute(handle, ws);
            Object first = "webSocketMessage".equals(method) && a instanceof ByteBuffer bytes
                    ? arrayBuffer.execute(bytes) : a;
            if ("webSocketError".equals(method)) {
                first = errorOf.execute(a);
            }
            objectCall.executeVoid(instance, ctx, method, done, socket, first, b, c);
        });
    }

    private CompletableFuture<Object> call(String method, Object... args) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        Object[] all = new Object[4 + args.length];
        all[0] = instance;
        all[1] = ctx;
        all[2] = method;
        all[3] = done;
        System.arraycopy(args, 0, all, 4, args.length);
        return event(done, () -> objectCall.executeVoid(all));
    }

    /**
     * Runs {@code action} as an event of its own in the context: a method that throws fails {@code done}
     * with the script's error; a context a broken limit stopped fails it with that limit, so the object
     * is reset and constructed in a fresh context.
     */
    private <T> CompletableFuture<T> event(CompletableFuture<T> done, Runnable action) {
        ResourceLimitException stopped = realm.stoppedFor();
        if (stopped != null) {
            done.completeExceptionally(stopped);
            return done;
        }
        realm.invoke(new JsRealm.Invocation(null, done), action);
        return realm.watch(done);
    }

    /** Waits on the object's event thread for the method's promise; its failure fails the event. */
    private static void await(CompletableFuture<Object> done) {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the event was interrupted before its promise settled", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
