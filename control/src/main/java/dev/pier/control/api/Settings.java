package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pier.config.Certificates;
import dev.pier.config.ZoneSetting;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings {@code /zones/{id}/settings} serves: every listed {@link ZoneSetting} (defined
 * there, once) and {@code origin_ca}, which the model keeps on the zone rather than in its
 * settings because the file gives it as a PEM file beside the zone's certificates.
 */
final class Settings {

    /** One setting: its default and a check that returns null for a good value or says what is expected. */
    record Setting(String id, JsonNode defaultValue, Function<JsonNode, String> check) {
    }

    static final Map<String, Setting> ALL = new LinkedHashMap<>();

    static {
        for (ZoneSetting<?> s : ZoneSetting.ALL) {
            if (s.listed()) {
                ALL.put(s.apiId(), new Setting(s.apiId(), s.apiDefault(), v -> {
                    try {
                        s.fromApi(v);
                        return null;
                    } catch (IllegalArgumentException e) {
                        return s.expected();
                    }
                }));
            }
        }
        ALL.put("origin_ca", new Setting("origin_ca", JsonNodeFactory.instance.textNode(""),
                v -> v.isTextual() && (v.asText().isEmpty() || isPemChain(v.asText())) ? null
                        : "the PEM certificates of the CA that origins chain to in strict mode, or \"\" for the system's trust store"));
    }

    private Settings() {
    }

    private static boolean isPemChain(String pem) {
        try {
            Certificates.parse(pem);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
