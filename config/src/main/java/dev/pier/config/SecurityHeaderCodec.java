package dev.pier.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@link SecurityHeader} in Cloudflare's JSON shape, which the configuration file uses too:
 * {@code {"strict_transport_security": {"enabled", "max_age", "include_subdomains", "preload", "nosniff"}}}.
 * A field left out is off (0 for {@code max_age}), as in a new zone.
 */
final class SecurityHeaderCodec {

    static final String EXPECTED = "{\"strict_transport_security\": {\"enabled\": true or false, \"max_age\": seconds from 0 to "
            + SecurityHeader.MAX_AGE_LIMIT + ", \"include_subdomains\": true or false, \"preload\": true or false, "
            + "\"nosniff\": true or false}}";

    private static final List<String> FIELDS = List.of("enabled", "max_age", "include_subdomains", "preload", "nosniff");

    private SecurityHeaderCodec() {
    }

    /** The setting a value gives; throws {@link IllegalArgumentException} when it is not of the shape. */
    static SecurityHeader read(JsonNode v) {
        if (!v.isObject() || v.size() != 1 || !v.path("strict_transport_security").isObject()) {
            throw new IllegalArgumentException("not {\"strict_transport_security\": {...}}");
        }
        JsonNode sts = v.get("strict_transport_security");
        sts.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field " + name);
            }
        });
        JsonNode maxAge = sts.path("max_age");
        if (!maxAge.isMissingNode() && (!maxAge.isIntegralNumber() || !maxAge.canConvertToLong())) {
            throw new IllegalArgumentException("max_age is not a whole number");
        }
        return new SecurityHeader(flag(sts, "enabled"), maxAge.asLong(0), flag(sts, "include_subdomains"),
                flag(sts, "preload"), flag(sts, "nosniff"));
    }

    static JsonNode write(SecurityHeader h) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.putObject("strict_transport_security").put("enabled", h.enabled()).put("max_age", h.maxAge())
                .put("include_subdomains", h.includeSubdomains()).put("preload", h.preload()).put("nosniff", h.nosniff());
        return out;
    }

    private static boolean flag(JsonNode o, String key) {
        JsonNode v = o.path(key);
        if (v.isMissingNode()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(key + " is not true or false");
        }
        return v.booleanValue();
    }
}
