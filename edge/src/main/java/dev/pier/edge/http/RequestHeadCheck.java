package dev.pier.edge.http;

import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.config.ZoneSettings;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request head phases that need nothing but the head (and, for upgrades, the zone's
 * settings): the version and method the edge serves, size limits, the request target and the
 * Host header, the Connection header's options, the websockets setting and RFC 6455's
 * handshake rules. Each returns the refusal to answer with, or null when the head may go on.
 *
 * <p>What the HTTP decoder refuses (conflicting Content-Length, Transfer-Encoding with
 * Content-Length or without a final chunked, obs-fold, whitespace before a colon, bare CR or
 * LF, NUL in a value) arrives here as a failed decode and is answered 400 with the connection
 * closed, since where the next request would start is unknown.
 */
final class RequestHeadCheck {

    static final int MAX_URI_LENGTH = 16 * 1024;
    static final int MAX_HEADER_LENGTH = 16 * 1024;

    private RequestHeadCheck() {
    }

    /**
     * Headers the edge itself frames, routes or checks a request by: a Connection option naming
     * one would have the edge judge one request and the origin receive another (RFC 9110
     * §7.6.1 lets a proxy drop what Connection names, and dropping Content-Length turns a body
     * into a second request).
     */
    private static final Set<String> NOT_HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "host",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol");

    /**
     * The request head phase: decodable, HTTP/1.0 or 1.1, not CONNECT, URI ≤ 16 KB, each header
     * ≤ 16 KB, an origin-form target (absolute-form is rewritten), exactly one well-formed Host,
     * and no Connection option naming a header the request is framed or routed by.
     */
    static EdgeException head(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            EdgeError error = cause instanceof TooLongHttpLineException ? EdgeError.URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? EdgeError.HEADERS_TOO_LARGE
                    : EdgeError.BAD_REQUEST;
            return EdgeException.closing(error, error == EdgeError.BAD_REQUEST ? cause.getMessage() : null);
        }
        HttpVersion version = request.protocolVersion();
        if (!HttpVersion.HTTP_1_1.equals(version) && !HttpVersion.HTTP_1_0.equals(version)) {
            // How a later version frames its body is unknown: nothing after this head can be read.
            return EdgeException.closing(EdgeError.VERSION_NOT_SUPPORTED, "version: " + version + " (expected: HTTP/1.1 or HTTP/1.0)");
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            return EdgeException.closing(EdgeError.METHOD_NOT_SUPPORTED, null);
        }
        if (request.uri().length() > MAX_URI_LENGTH) {
            return EdgeException.of(EdgeError.URI_TOO_LONG, null);
        }
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            if (header.getKey().length() + header.getValue().length() > MAX_HEADER_LENGTH) {
                return EdgeException.of(EdgeError.HEADERS_TOO_LARGE, "Header " + header.getKey() + " is larger than 16 KB.");
            }
        }
        String problem = RequestTarget.printable(request.uri());
        if (problem != null) {
            return EdgeException.closing(EdgeError.BAD_REQUEST, problem);
        }
        List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty() && (codings.size() > 1 || !codings.get(0).trim().equalsIgnoreCase("chunked"))) {
            // The edge frames bodies by chunked alone; a coding list the origin would read otherwise is not forwarded.
            return EdgeException.closing(EdgeError.CODING_NOT_SUPPORTED, "Transfer-Encoding: " + String.join(", ", codings)
                    + " (expected: chunked alone)");
        }
        problem = RequestTarget.normalize(request);
        if (problem != null) {
            return EdgeException.closing(EdgeError.BAD_REQUEST, problem);
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            return EdgeException.of(EdgeError.MISSING_HOST, null);
        }
        for (String connection : request.headers().getAll(HttpHeaderNames.CONNECTION)) {
            for (String option : connection.split(",")) {
                String name = option.trim().toLowerCase(Locale.ROOT);
                if (NOT_HOP_BY_HOP.contains(name)) {
                    return EdgeException.closing(EdgeError.BAD_REQUEST, "Connection: " + option.trim()
                            + " (expected: hop-by-hop options only; the request is framed and routed by this header)");
                }
            }
        }
        return null;
    }

    /** Any length other than a plain 0, even one that does not parse ({@code 3, 3}), or a transfer coding. */
    static boolean hasBody(HttpRequest request) {
        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        return length != null && !length.trim().equals("0") || request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    /** True when a Connection option may name {@code header}: the edge neither frames nor routes by it. */
    static boolean mayBeHopByHop(String header) {
        return !NOT_HOP_BY_HOP.contains(header);
    }

    /** The websockets setting and the handshake, for an upgrade request. */
    static EdgeException upgrade(HttpRequest request, ZoneSettings settings, String zone) {
        if (hasBody(request)) {
            // Parsers disagree on whether an upgrade request's body precedes the new protocol
            // (Node.js reads none): refused by the origin, the body could be read as a request.
            return EdgeException.closing(EdgeError.BAD_REQUEST, "an upgrade request with a body (expected: none, RFC 6455 §4.1)");
        }
        if (!settings.websockets()) {
            return EdgeException.of(EdgeError.WEBSOCKETS_DISABLED, "The zone " + zone + " has the websockets setting off.");
        }
        String problem = Handshake.problem(request);
        return problem == null ? null : EdgeException.of(EdgeError.BAD_HANDSHAKE, problem);
    }
}
