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
 * back from the opaque response it is given.
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
        CompletableFuture<Response> answer;
        try {
            byte[] bytes = null;
            if (body != null && !body.isNull()) {
                bytes = new byte[length];
                body.readBuffer(offset, bytes, 0, length);
            }
            Request request = new Request(method, url, JsHeaders.of(headers), bytes);
            answer = Fetch.fetch(request, manualRedirect ? Fetch.Redirect.MANUAL : Fetch.Redirect.FOLLOW).toCompletableFuture();
        } catch (IllegalArgumentException | IllegalStateException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return realm.promise(answer);
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
