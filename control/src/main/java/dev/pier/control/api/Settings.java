package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pier.config.Certificates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The zone settings the edge honours, by Cloudflare's ids where Cloudflare has the setting
 * ({@code websockets}, {@code ssl}, {@code min_tls_version}) and in Cloudflare's style for
 * Pier's own, each with its default and what values it takes.
 */
final class Settings {

    /** One setting: its default and a check that returns null for a good value or says what is expected. */
    record Setting(String id, JsonNode defaultValue, java.util.function.Function<JsonNode, String> check) {
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    static final Map<String, Setting> ALL = new LinkedHashMap<>();

    static {
        add("websockets", F.textNode("on"), oneOf("on", "off"));
        add("ssl", F.textNode("off"), oneOf("off", "flexible", "full", "strict"));
        add("min_tls_version", F.textNode("1.2"), v -> v.isTextual() && (v.asText().equals("1.2") || v.asText().equals("1.3")) ? null
                : "\"1.2\" or \"1.3\" (Pier never offers TLS 1.0 or 1.1)");
        add("origin_ca", F.textNode(""), v -> v.isTextual() && (v.asText().isEmpty() || isPemChain(v.asText())) ? null
                : "the PEM certificates of the CA that origins chain to in strict mode, or \"\" for the system's trust store");
        add("proxy_read_timeout", F.textNode("100"), v -> (v.isIntegralNumber() && v.canConvertToInt() || v.isTextual() && v.asText().matches("\\d{1,4}"))
                && v.asInt() >= 1 && v.asInt() <= 6000 ? null : "a number of seconds from 1 to 6000, e.g. \"100\"");
        add("websocket_idle_timeout", F.numberNode(100), seconds(1, 86_400));
        add("websocket_keepalive", F.textNode("off"), v -> v.isTextual() && v.asText().equals("off") ? null
                : seconds(1, 3_600).apply(v) == null ? null : "\"off\" or a number of seconds from 1 to 3600");
        add("max_websocket_connections", F.numberNode(0), v -> v.canConvertToInt() && v.isIntegralNumber() && v.asInt() >= 0 ? null
                : "a number of connections, 0 for no limit");
        add("max_websocket_message_size", F.numberNode(0), v -> v.canConvertToLong() && v.isIntegralNumber() && v.asLong() >= 0 ? null
                : "a number of bytes, 0 for no limit");
    }

    private Settings() {
    }

    private static void add(String id, JsonNode defaultValue, java.util.function.Function<JsonNode, String> check) {
        ALL.put(id, new Setting(id, defaultValue, check));
    }

    private static java.util.function.Function<JsonNode, String> oneOf(String... values) {
        List<String> ok = List.of(values);
        return v -> v.isTextual() && ok.contains(v.asText()) ? null : String.join(" or ", ok.stream().map(s -> "\"" + s + "\"").toList());
    }

    private static boolean isPemChain(String pem) {
        try {
            Certificates.parse(pem);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static java.util.function.Function<JsonNode, String> seconds(int min, int max) {
        // canConvertToInt first: asInt() wraps 4294967297 to 1
        return v -> v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= min && v.asInt() <= max ? null
                : "a number of seconds from " + min + " to " + max;
    }
}
