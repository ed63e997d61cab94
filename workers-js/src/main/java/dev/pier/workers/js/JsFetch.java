package dev.pier.workers.js;

import dev.pier.workers.BodyStream;
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
 * Java API's {@link Fetch#stream streamed fetch}, as a promise of the origin's response at its
 * head, whose parts JavaScript reads back from the opaque response it is given (the body as a
 * {@link BodyStream} it reads as it comes). A request's (or an object event's) fetches hold at
 * most {@link JsRealm.Invocation#CONNECTIONS} connections open at once, each from its send until
 * the origin's head; the next waits for one.
 */
public final class JsFetch {

    private final JsRealm realm;

    JsFetch(JsRealm realm) {
        this.realm = realm;
    }

    /**
     * Sends a request: {@code headers} names and values; the body null, an ArrayBuffer of which
     * {@code length} bytes from {@code offset} are sent, or {@code stream} (sent chunked as it is
     * written). The subrequest, whose {@link #answer} is the response at its head (the body a
     * stream), and which {@link #cancel} ends. A request fetch cannot make fails the subrequest at
     * once, with why.
     */
    @Export
    public CompletableFuture<Response> send(String method, String url, Value headers, Value body, int offset, int length,
            BodyStream stream, boolean manualRedirect) {
        Request request;
        try {
            if (stream != null) {
                request = Request.streamed(method, url, JsHeaders.of(headers), stream);
            } else {
                byte[] bytes = null;
                if (body != null && !body.isNull()) {
                    bytes = new byte[length];
                    body.readBuffer(offset, bytes, 0, length);
                }
                request = new Request(method, url, JsHeaders.of(headers), bytes);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (stream != null) {
                stream.cancel("the fetch failed: " + e.getMessage());
            }
            return CompletableFuture.failedFuture(e);
        }
        Fetch.Redirect redirect = manualRedirect ? Fetch.Redirect.MANUAL : Fetch.Redirect.FOLLOW;
        JsRealm.Invocation invocation = realm.invocation();
        if (invocation == null) {
            return send(request, redirect);
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        invocation.connect(() -> {
            if (answer.isCancelled()) { // given up while it waited for a connection
                invocation.closed();
                return;
            }
            CompletableFuture<Response> sent = send(request, redirect);
            answer.whenComplete((response, failure) -> {
                if (answer.isCancelled()) {
                    sent.cancel(false); // the script gave it up: the subrequest ends, its connection closes
                }
            });
            sent.whenComplete((response, failure) -> {
                invocation.closed();
                if (failure == null) {
                    answer.complete(response);
                } else {
                    answer.completeExceptionally(failure);
                }
            });
        });
        return answer;
    }

    private static CompletableFuture<Response> send(Request request, Fetch.Redirect redirect) {
        try {
            return Fetch.stream(request, redirect).toCompletableFuture();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A promise of the subrequest's Java response; it rejects with the reason the fetch failed (an origin down, a URL fetch cannot load). */
    @Export
    public Value answer(CompletableFuture<Response> sent) {
        return realm.promise(sent);
    }

    /** The script gave the subrequest up (its signal aborted): it ends, its connection closes. */
    @Export
    public void cancel(CompletableFuture<Response> sent) {
        sent.cancel(false);
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

    /** The body as the origin sends it; null when it came whole ({@link #body}). */
    @Export
    public BodyStream bodyStream(Response response) {
        return response.stream();
    }

    /** For an upgrade the origin accepted: the Worker's end of the WebSocket; null otherwise. */
    @Export
    public WebSocket webSocket(Response response) {
        return response.webSocket();
    }
}
