package dev.pier.workers.js;

import dev.pier.workers.Fetch;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.graalvm.polyglot.HostAccess.Export;
import org.graalvm.polyglot.Value;

/**
 * The Java under the global {@code fetch()} ({@code runtime/fetch.js}): a subrequest through the
 * Java API's {@link Fetch}, as a promise of the origin's response, whose parts JavaScript reads
 * back from the opaque response it is given. A request's (or an object event's) fetches hold at
 * most {@link JsRealm.Invocation#CONNECTIONS} connections open at once; the next waits for one.
 */
public final class JsFetch {

    private final JsRealm realm;

    JsFetch(JsRealm realm) {
        this.realm = realm;
    }

    /**
     * Sends a request: {@code headers} names and values, {@code body} null or an ArrayBuffer of
     * which {@code length} bytes from {@code offset} are sent. A promise of the Java response; it
     * rejects with the reason the fetch failed (an origin down, a URL fetch cannot load).
     */
    @Export
    public Value fetch(String method, String url, Value headers, Value body, int offset, int length, boolean manualRedirect) {
        Request request;
        try {
            byte[] bytes = null;
            if (body != null && !body.isNull()) {
                bytes = new byte[length];
                body.readBuffer(offset, bytes, 0, length);
            }
            request = new Request(method, url, JsHeaders.of(headers), bytes);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return realm.promise(CompletableFuture.failedFuture(e));
        }
        Fetch.Redirect redirect = manualRedirect ? Fetch.Redirect.MANUAL : Fetch.Redirect.FOLLOW;
        JsRealm.Invocation invocation = realm.invocation();
        if (invocation == null) {
            return realm.promise(send(request, redirect));
        }
        // one of the invocation's open connections from the send until the answer (the origin's body comes whole with it)
        CompletableFuture<Response> answer = new CompletableFuture<>();
        invocation.connect(() -> send(request, redirect).whenComplete((response, failure) -> {
            invocation.closed();
            if (failure == null) {
                answer.complete(response);
            } else {
                answer.completeExceptionally(failure);
            }
        }));
        return realm.promise(answer);
    }

    private static CompletableFuture<Response> send(Request request, Fetch.Redirect redirect) {
        try {
            return Fetch.fetch(request, redirect).toCompletableFuture();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Export
    public int status(Response response) {
        return response.status();
    }

    @Export
    public String statusText(Response response) {
        return response.statusText();
    }

    /** The response's headers as name, value, name, value… */
    @Export
    public String[] headers(Response response) {
        return JsHeaders.flat(response.headers());
    }

    /** The body's bytes (JavaScript makes an ArrayBuffer over them, without a copy); null for none. */
    @Export
    public ByteBuffer body(Response response) {
        byte[] bytes = response.bytes();
        return bytes == null || bytes.length == 0 ? null : ByteBuffer.wrap(bytes);
    }

    /** For an upgrade the origin accepted: the Worker's end of the WebSocket; null otherwise. */
    @Export
    public WebSocket webSocket(Response response) {
        return response.webSocket();
    }
}
