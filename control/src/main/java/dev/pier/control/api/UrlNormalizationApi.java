package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.UrlNormalization;
import dev.pier.config.ZoneSetting;
import dev.pier.control.store.Json;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredSetting;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code /zones/{id}/url_normalization}: the zone's URL normalization in Cloudflare's shape,
 * {@code {"type": "cloudflare"|"rfc3986", "scope": "incoming"|"both"|"none"}}. It is kept as the
 * zone setting {@code url_normalization} ({@link ZoneSetting#URL_NORMALIZATION}), which the edge reads with the zone's other settings; it is
 * changed here only, never through {@code /settings}.
 */
final class UrlNormalizationApi {

    /** The id it is stored under among the zone's settings. */
    static final String SETTING = ZoneSetting.URL_NORMALIZATION.apiId();

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Store store;

    UrlNormalizationApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("URL normalization");
        routes.add("GET", "/zones/{zone_id}/url_normalization", Route.Access.ZONE, Permission.ZONE_SETTINGS_READ)
                .doc("getUrlNormalization", "The zone's URL normalization (default: cloudflare, incoming)").to(c -> get(c.zone()));
        routes.add("PUT", "/zones/{zone_id}/url_normalization", Route.Access.ZONE, Permission.ZONE_SETTINGS_WRITE)
                .doc("setUrlNormalization", "Set the zone's URL normalization").body("UrlNormalization")
                .to(c -> put(c.zone(), RequestJson.object(c.request()), c.token()));
        routes.add("DELETE", "/zones/{zone_id}/url_normalization", Route.Access.ZONE, Permission.ZONE_SETTINGS_WRITE)
                .doc("resetUrlNormalization", "Back to the default URL normalization (cloudflare, incoming), which the answer carries")
                .to(c -> delete(c.zone(), c.token()));
        return routes.list();
    }

    private ApiResponse get(StoredZone zone) {
        StoredSetting stored = store.settings(zone.id()).get(SETTING);
        return Envelope.success(stored == null ? json(UrlNormalization.DEFAULT) : Json.stored(stored.jsonValue()));
    }

    /** Cloudflare's update: both keys, each one of its values; anything else is refused and nothing written. */
    private ApiResponse put(StoredZone zone, JsonNode body, StoredToken token) {
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("type") && !name.equals("scope")) {
                throw ApiException.badRequest(1007, "Invalid URL normalization setting: unknown key " + name
                        + " (expected: {\"type\": \"cloudflare\" or \"rfc3986\", \"scope\": \"incoming\", \"both\" or \"none\"})");
            }
        }
        UrlNormalization.Type type = body.path("type").isTextual() ? UrlNormalization.Type.of(body.path("type").asText()) : null;
        if (type == null) {
            throw ApiException.badRequest(1007, "Invalid URL normalization type: " + describe(body.get("type"))
                    + " (expected: \"cloudflare\" or \"rfc3986\")");
        }
        UrlNormalization.Scope scope = body.path("scope").isTextual() ? UrlNormalization.Scope.of(body.path("scope").asText()) : null;
        if (scope == null) {
            throw ApiException.badRequest(1007, "Invalid URL normalization scope: " + describe(body.get("scope"))
                    + " (expected: \"incoming\", \"both\" or \"none\")");
        }
        ObjectNode value = json(new UrlNormalization(type, scope));
        store.putSettings(zone.id(), Map.of(SETTING, value.toString()), Credentials.actor(token));
        return Envelope.success(value);
    }

    /** Back to Cloudflare's default ({@code cloudflare}, {@code incoming}). */
    private ApiResponse delete(StoredZone zone, StoredToken token) {
        store.putSettings(zone.id(), Collections.singletonMap(SETTING, null), Credentials.actor(token));
        return Envelope.success(json(UrlNormalization.DEFAULT));
    }

    static ObjectNode json(UrlNormalization n) {
        return F.objectNode().put("scope", n.scope().id()).put("type", n.type().id());
    }

    private static String describe(JsonNode value) {
        return value == null ? "missing" : value.toString();
    }
}
