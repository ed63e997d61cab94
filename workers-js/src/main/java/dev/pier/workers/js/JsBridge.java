package dev.pier.workers.js;

import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.RequestCf;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import java.net.IDN;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.graalvm.polyglot.HostAccess.Export;
import org.graalvm.polyglot.Value;

/**
 * The Java that a realm's JavaScript runtime ({@code runtime/*.js}) calls, and nothing else of
 * Java is reachable from a script: the Java objects it hands out (a request, a WebSocket, a
 * future) are opaque handles that come back here. A method that cannot do what it was asked
 * returns why (JavaScript throws it as a {@code TypeError}) rather than throwing a Java exception.
 */
public final class JsBridge {

    private final JsRealm realm;
    private final org.slf4j.Logger console;

    private final JsObjects objects;

    JsBridge(JsRealm realm, String scriptName) {
        this.realm = realm;
        this.console = org.slf4j.LoggerFactory.getLogger("dev.pier.workers.js.console." + scriptName);
        this.objects = new JsObjects(realm);
    }

    /** The Durable Objects' part of the bridge (runtime/objects.js). */
    @Export
    public JsObjects objects() {
        return objects;
    }

    // console

    /** A console call: {@code level} is log, info, debug, warn or error. */
    @Export
    public void log(String level, String text) {
        switch (level) {
            case "error" -> console.error(text);
            case "warn" -> console.warn(text);
            case "debug", "trace" -> console.debug(text);
            default -> console.info(text);
        }
    }

    // limits

    /** Counts a subrequest ({@code fetch}) of the running invocation: null, or Cloudflare's "Too many subrequests.". */
    @Export
    public String subrequest() {
        return realm.subrequest();
    }

    // bytes

    /** A data module's content: base64 to bytes (JavaScript makes an ArrayBuffer of them). */
    @Export
    public ByteBuffer base64(String base64) {
        return ByteBuffer.wrap(Base64.getDecoder().decode(base64));
    }

    /** A host name as ASCII (IDNA), or null when it is not a valid one. */
    @Export
    public String domainToAscii(String host) {
        try {
            return IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // the request a Worker receives

    @Export
    public String method(Request request) {
        return request.method();
    }

    @Export
    public String url(Request request) {
        return request.url();
    }

    /** The request's headers as name, value, name, value… */
    @Export
    public String[] headers(Request request) {
        return JsHeaders.flat(request.headers());
    }

    /**
     * Cloudflare's {@code request.cf} of the received request, as name, value, name, value… of the
     * fields the edge knows (a number for {@code clientTcpRtt}, strings for the rest); null when the
     * request came from no client.
     */
    @Export
    public Object[] cf(Request request) {
        RequestCf cf = request.cf();
        if (cf == null) {
            return null;
        }
        List<Object> flat = new ArrayList<>(10);
        field(flat, "colo", cf.colo());
        field(flat, "httpProtocol", cf.httpProtocol());
        field(flat, "tlsVersion", cf.tlsVersion());
        field(flat, "tlsCipher", cf.tlsCipher());
        field(flat, "clientTcpRtt", cf.clientTcpRtt());
        return flat.toArray();
    }

    private static void field(List<Object> flat, String name, Object value) {
        if (value != null) {
            flat.add(name);
            flat.add(value);
        }
    }

    /** The body as the client sends it, or null when it is whole. */
    @Export
    public dev.pier.workers.BodyStream bodyStream(Request request) {
        return request.stream();
    }

    @Export
    public int bodySize(Request request) {
        return request.bytes().length;
    }

    @Export
    public String bodyText(Request request) {
        return request.text();
    }

    /** A copy of the body's bytes: the script may change what it gets. */
    @Export
    public ByteBuffer bodyBytes(Request request) {
        return ByteBuffer.wrap(request.bytes().clone());
    }

    // the Worker's answer

    /**
     * Completes {@code answer} with a response. {@code headers} is a JavaScript array of names and
     * values; {@code body} is null, a string, or an ArrayBuffer of which {@code length} bytes from
     * {@code offset} are the body. Returns null, or why there is no response.
     */
    @Export
    public String respond(CompletableFuture<Response> answer, int status, String statusText, Value headers, Value body, int offset,
            int length, WebSocket webSocket) {
        try {
            answer.complete(new Response(bytes(body, offset, length), status, statusText, JsHeaders.of(headers), webSocket));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Fails {@code answer} with the script's error (its stack, as JavaScript shows it). */
    @Export
    public void fail(CompletableFuture<?> answer, String error) {
        answer.completeExceptionally(new ScriptError(error));
    }

    /** Fails a future with what the script threw: its description, and the Error's name and message (null when it threw no Error). */
    @Export
    public void reject(CompletableFuture<?> answer, String description, String errorName, String errorMessage) {
        answer.completeExceptionally(new ScriptError(description, null, errorName, errorMessage));
    }

    // ctx.waitUntil

    /** A future that {@link #settle} completes: the Java side of a promise given to {@code waitUntil}. */
    @Export
    public CompletableFuture<Object> waitUntil(ExecutionContext ctx) {
        CompletableFuture<Object> work = new CompletableFuture<>();
        ctx.waitUntil(work);
        return work;
    }

    /** Completes a future with nothing (error null) or the script's error. */
    @Export
    public void settle(CompletableFuture<Object> work, String error) {
        if (error == null) {
            work.complete(null);
        } else {
            work.completeExceptionally(new ScriptError(error));
        }
    }

    // WebSockets

    /** A new pair: client end, server end. */
    @Export
    public WebSocket[] newPair() {
        WebSocketPair pair = new WebSocketPair();
        return new WebSocket[] {pair.client(), pair.server()};
    }

    /**
     * Accepts {@code ws}, its events going to {@code dispatch(type, …)}: ("message", string or
     * bytes), ("close", code, reason, wasClean), ("error", message), each a call into this realm.
     * Returns null, or why it cannot be accepted.
     */
    @Export
    public String accept(WebSocket ws, Value dispatch) {
        try {
            ws.addMessageListener(m -> realm.call(dispatch, "message", m.isText() ? m.text() : ByteBuffer.wrap((byte[]) m.data())));
            ws.addCloseListener(c -> realm.call(dispatch, "close", c.code(), c.reason(), c.wasClean()));
            ws.addErrorListener(e -> realm.call(dispatch, "error", e.message()));
            ws.accept();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Export
    public String sendText(WebSocket ws, String text) {
        try {
            ws.send(text);
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** Sends {@code length} bytes from {@code offset} of an ArrayBuffer. */
    @Export
    public String sendBytes(WebSocket ws, Value buffer, int offset, int length) {
        try {
            ws.send(bytes(buffer, offset, length));
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Export
    public String close(WebSocket ws, int code, String reason) {
        try {
            ws.close(code, reason);
            return null;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Export
    public int readyState(WebSocket ws) {
        return ws.readyState();
    }

    private static byte[] bytes(Value body, int offset, int length) {
        if (body == null || body.isNull()) {
            return null;
        }
        if (body.isString()) {
            return body.asString().getBytes(StandardCharsets.UTF_8);
        }
        byte[] out = new byte[length];
        body.readBuffer(offset, out, 0, length);
        return out;
    }
}
