package dev.pier.control.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The control plane's one Jackson mapper, for request bodies, the JSON the store keeps (rulesets,
 * settings, audit values) and the audit log's records. Dates are written as ISO-8601 text, as
 * Cloudflare's API writes them.
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {
    }

    /**
     * A value the store keeps as JSON text, parsed.
     *
     * @throws IllegalStateException when it is not JSON: only Pier writes the store, so the store
     *         is damaged or was written by something else
     */
    public static JsonNode stored(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String shown = json.length() > 200 ? json.substring(0, 200) + "…" : json;
            throw new IllegalStateException("a value in the store is not JSON: " + shown, e);
        }
    }
}
