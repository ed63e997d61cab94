package dev.pier.edge.worker;

import dev.pier.edge.websocket.WebSocketAccept;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The edge's own answer to a WebSocket handshake a Worker accepted: 101 with the accept value,
 * the Worker's headers (a subprotocol it chose), and permessage-deflate when the client offered
 * it (Cloudflare never accepts the extension on Workers; Pier compresses at the edge).
 */
final class WorkerHandshake {

    /** Headers of the Worker's response that the handshake itself decides. */
    private static final Set<String> HANDSHAKE_HEADERS = Set.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-extensions", "content-length", "transfer-encoding");

    private final HttpResponse response;
    private final WebSocketServerExtension deflate;

    private WorkerHandshake(HttpResponse response, WebSocketServerExtension deflate) {
        this.response = response;
        this.deflate = deflate;
    }

    /** The 101 for {@code request} (a valid WebSocket handshake: the request phases checked it). */
    static WorkerHandshake answer(HttpRequest request, dev.pier.workers.Headers workerHeaders) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        workerHeaders.forEach((name, value) -> {
            if (!HANDSHAKE_HEADERS.contains(name)) {
                response.headers().add(name, value);
            }
        });
        response.headers().set(HttpHeaderNames.UPGRADE, "websocket").set(HttpHeaderNames.CONNECTION, "Upgrade")
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, WebSocketAccept.of(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY)));
        WebSocketServerExtension deflate = null;
        for (String offer : request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)) {
            for (String extension : offer.split(",")) {
                WebSocketExtensionData data = parse(extension);
                if (deflate == null && data != null) {
                    deflate = new PerMessageDeflateServerExtensionHandshaker().handshakeExtension(data);
                }
            }
        }
        if (deflate != null) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, format(deflate.newReponseData()));
        }
        return new WorkerHandshake(response, deflate);
    }

    HttpResponse response() {
        return response;
    }

    /** The negotiated permessage-deflate, or null. */
    WebSocketServerExtension deflate() {
        return deflate;
    }

    /** One offered extension, {@code name; param; param=value}; null when it is malformed. */
    private static WebSocketExtensionData parse(String extension) {
        String[] parts = extension.split(";");
        String name = parts[0].trim();
        if (name.isEmpty()) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).trim();
            String value = eq < 0 ? null : p.substring(eq + 1).trim().replace("\"", "");
            if (key.isEmpty()) {
                return null;
            }
            parameters.put(key, value);
        }
        return new WebSocketExtensionData(name, parameters);
    }

    private static String format(WebSocketExtensionData data) {
        StringBuilder out = new StringBuilder(data.name());
        data.parameters().forEach((k, v) -> out.append("; ").append(k).append(v == null ? "" : "=" + v));
        return out.toString();
    }
}
