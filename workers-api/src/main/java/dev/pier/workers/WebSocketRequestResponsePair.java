package dev.pier.workers;

import java.util.Objects;

/**
 * An automatic answer (Cloudflare's {@code WebSocketRequestResponsePair}): a text message equal
 * to {@code request} on a hibernatable WebSocket is answered with {@code response} by the edge,
 * without waking the object. Each is at most {@value DurableObjectState#MAX_AUTO_RESPONSE_LENGTH}
 * characters.
 */
public record WebSocketRequestResponsePair(String request, String response) {

    public WebSocketRequestResponsePair {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        check("request", request);
        check("response", response);
    }

    private static void check(String what, String value) {
        if (value.length() > DurableObjectState.MAX_AUTO_RESPONSE_LENGTH) {
            throw new IllegalArgumentException(what + ": " + value.length() + " characters (expected: at most "
                    + DurableObjectState.MAX_AUTO_RESPONSE_LENGTH + ")");
        }
    }
}
