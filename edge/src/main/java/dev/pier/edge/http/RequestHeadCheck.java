package dev.pier.edge.http;

import dev.pier.config.ZoneSettings;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Iterator;
import java.util.Map;

/**
 * The request head phases that need nothing but the head (and, for upgrades, the zone's
 * settings): size limits, the Host header, the websockets setting and RFC 6455's handshake
 * rules. Each returns the refusal to answer with, or null when the head may go on.
 */
final class RequestHeadCheck {

    static final int MAX_URI_LENGTH = 16 * 1024;
    static final int MAX_HEADER_LENGTH = 16 * 1024;

    /** What the edge answers instead of forwarding; {@code close} when the connection cannot be read further. */
    record Refusal(EdgeError error, String detail, boolean close) {
    }

    private RequestHeadCheck() {
    }

    /** The request head phase: decodable, URI ≤ 16 KB, each header ≤ 16 KB, a Host. */
    static Refusal head(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            EdgeError error = cause instanceof TooLongHttpLineException ? EdgeError.URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException ? EdgeError.HEADERS_TOO_LARGE
                    : EdgeError.BAD_REQUEST;
            return new Refusal(error, null, true);
        }
        if (request.uri().length() > MAX_URI_LENGTH) {
            return new Refusal(EdgeError.URI_TOO_LONG, null, false);
        }
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            if (header.getKey().length() + header.getValue().length() > MAX_HEADER_LENGTH) {
                return new Refusal(EdgeError.HEADERS_TOO_LARGE, "Header " + header.getKey() + " is larger than 16 KB.", false);
            }
        }
        String host = request.headers().get(io.netty.handler.codec.http.HttpHeaderNames.HOST);
        if (host == null || host.isBlank()) {
            return new Refusal(EdgeError.MISSING_HOST, null, false);
        }
        return null;
    }

    /** The websockets setting and the handshake, for an upgrade request. */
    static Refusal upgrade(HttpRequest request, ZoneSettings settings, String zone) {
        if (!settings.websockets()) {
            return new Refusal(EdgeError.WEBSOCKETS_DISABLED, "The zone " + zone + " has the websockets setting off.", false);
        }
        String problem = Handshake.problem(request);
        return problem == null ? null : new Refusal(EdgeError.BAD_HANDSHAKE, problem, false);
    }
}
