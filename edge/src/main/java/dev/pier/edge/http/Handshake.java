package dev.pier.edge.http;

import dev.pier.edge.websocket.WebSocketAccept;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The opening handshake checks of RFC 6455: the client's request (§4.2.1), checked before the
 * origin is contacted, and the origin's 101 (§4.1, as a client checks it), checked before the
 * connection becomes a tunnel. A 101 that is not a valid WebSocket handshake for the key the
 * edge forwarded opens nothing: past a 101 the edge no longer reads requests, so a fake one
 * would let the client's next bytes reach the origin unjudged.
 */
final class Handshake {

    private Handshake() {
    }

    /** True when the request asks to upgrade to WebSocket (whatever else is wrong with it). */
    static boolean isUpgrade(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true);
    }

    /** Null when the handshake is valid, else what is wrong, in one sentence. */
    static String problem(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (!HttpMethod.GET.equals(request.method())) {
            return "method: " + request.method() + " (expected: GET)";
        }
        if (!HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
            return "version: " + request.protocolVersion() + " (expected: HTTP/1.1)";
        }
        if (!headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)) {
            return "Connection: " + headers.get(HttpHeaderNames.CONNECTION) + " (expected: a token 'Upgrade')";
        }
        if (headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY).size() > 1) {
            return "Sec-WebSocket-Key: sent more than once (expected: exactly one)";
        }
        if (headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION).size() > 1) {
            return "Sec-WebSocket-Version: sent more than once (expected: exactly one)";
        }
        String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null || !isValidKey(key.trim())) {
            return "Sec-WebSocket-Key: " + key + " (expected: 16 bytes in base64)";
        }
        String version = headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (version == null || !version.trim().equals("13")) {
            return "Sec-WebSocket-Version: " + version + " (expected: 13)";
        }
        return null;
    }

    /**
     * Null when {@code response} (a 101) accepts the WebSocket upgrade {@code request} asked for,
     * else what is wrong, in one sentence: Upgrade must be websocket, Connection must carry
     * upgrade, Sec-WebSocket-Accept must match the key, and a subprotocol or extension must be
     * one the client offered.
     */
    static String responseProblem(HttpResponse response, HttpRequest request) {
        HttpHeaders headers = response.headers();
        if (headers.getAll(HttpHeaderNames.UPGRADE).size() != 1
                || !headers.get(HttpHeaderNames.UPGRADE).trim().equalsIgnoreCase("websocket")) {
            return "Upgrade: " + headers.getAll(HttpHeaderNames.UPGRADE) + " (expected: websocket)";
        }
        if (!headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)) {
            return "Connection: " + headers.get(HttpHeaderNames.CONNECTION) + " (expected: a token 'Upgrade')";
        }
        String expected = WebSocketAccept.of(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY).trim());
        if (headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT).size() != 1
                || !expected.equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT).trim())) {
            return "Sec-WebSocket-Accept: " + headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT)
                    + " (expected: " + expected + " for the key sent)";
        }
        String protocol = headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (protocol != null && (headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL).size() > 1
                || !tokens(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL), false).contains(protocol.trim()))) {
            return "Sec-WebSocket-Protocol: " + protocol + " (expected: one the client offered)";
        }
        List<String> accepted = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        if (accepted.isEmpty()) {
            return null; // most handshakes: nothing to hold against the offer
        }
        Set<String> offered = tokens(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS), true);
        for (String extension : tokens(accepted, true)) {
            if (!offered.contains(extension)) {
                return "Sec-WebSocket-Extensions: " + extension + " (expected: an extension the client offered)";
            }
        }
        return null;
    }

    /** The comma-separated tokens of {@code values}; with {@code namesOnly}, extension names without parameters. */
    private static Set<String> tokens(Iterable<String> values, boolean namesOnly) {
        Set<String> tokens = new HashSet<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                String t = namesOnly ? token.split(";", 2)[0].trim().toLowerCase(Locale.ROOT) : token.trim();
                if (!t.isEmpty()) {
                    tokens.add(t);
                }
            }
        }
        return tokens;
    }

    private static boolean isValidKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
