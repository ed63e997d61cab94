package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.control.store.Json;
import java.io.IOException;

/** A request's JSON body, or Cloudflare's 6007 for one that is not JSON of the expected kind. */
final class RequestJson {

    private RequestJson() {
    }

    /** A JSON object: what nearly every write takes. */
    static JsonNode object(ApiRequest r) {
        JsonNode node = any(r);
        if (!node.isObject()) {
            throw malformed();
        }
        return node;
    }

    /** Any JSON value (an array for list items). */
    static JsonNode any(ApiRequest r) {
        try {
            JsonNode node = Json.MAPPER.readTree(r.body());
            if (node == null) {
                throw malformed();
            }
            return node;
        } catch (IOException e) {
            throw malformed();
        }
    }

    private static ApiException malformed() {
        return ApiException.badRequest(6007, "Malformed JSON in request body");
    }
}
