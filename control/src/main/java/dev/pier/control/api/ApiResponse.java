package dev.pier.control.api;

import java.nio.charset.StandardCharsets;

/**
 * What the API answers: a status, a content type and a body. Nearly every answer is JSON
 * (Cloudflare's envelope); a script's download is its modules as multipart, as Cloudflare's is.
 */
public record ApiResponse(int status, String contentType, byte[] body) {

    public static final String JSON = "application/json";

    /** A JSON answer. */
    public ApiResponse(int status, String json) {
        this(status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The body as text (the JSON of a JSON answer). */
    public String json() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
