package dev.pier.edge.http;

import dev.pier.config.SecurityHeader;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * A zone's {@code security_header} setting on a response: {@code Strict-Transport-Security}
 * when it is enabled and {@code X-Content-Type-Options: nosniff} when nosniff is set, replacing
 * any the origin sent. {@link EdgePhases#response} adds them to every final response on a TLS
 * connection (the edge's own answers, the origin's responses and the 101 of an upgrade); plain
 * HTTP never gets them, as a browser ignores HSTS sent over HTTP.
 */
final class SecurityHeaders {

    static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");
    static final AsciiString X_CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");

    private SecurityHeaders() {
    }

    static void add(HttpResponse response, SecurityHeader setting) {
        if (setting.enabled()) {
            response.headers().set(STRICT_TRANSPORT_SECURITY, setting.strictTransportSecurity());
        }
        if (setting.nosniff()) {
            response.headers().set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        }
    }
}
