package dev.pier.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Base64;

/** The opening handshake checks of RFC 6455 §4.2.1, made before the origin is contacted. */
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
