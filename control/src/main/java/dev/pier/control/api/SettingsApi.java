package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Json;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredSetting;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /zones/{id}/settings}: every setting, one, or several at once, in Cloudflare's shape
 * ({@code {"id", "value", "editable", "modified_on"}}). Every value is checked before any is
 * written: one bad value and nothing changes.
 */
final class SettingsApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Store store;

    SettingsApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Zone settings");
        routes.add("GET", "/zones/{zone_id}/settings", Route.Access.ZONE, Permission.ZONE_SETTINGS_READ)
                .doc("listZoneSettings", "Every zone setting").to(c -> all(c.zone()));
        routes.add("PATCH", "/zones/{zone_id}/settings", Route.Access.ZONE, Permission.ZONE_SETTINGS_WRITE)
                .doc("editZoneSettings", "Edit several settings at once; one bad value and nothing changes").body("SettingsEdit")
                .to(c -> editSeveral(c.zone(), RequestJson.object(c.request()), c.token()));
        routes.add("GET", "/zones/{zone_id}/settings/{setting_id}", Route.Access.ZONE, Permission.ZONE_SETTINGS_READ)
                .doc("getZoneSetting", "One zone setting (" + String.join(", ", Settings.ALL.keySet()) + ")")
                .to(c -> one(c.zone(), c.param("setting_id")));
        routes.add("PATCH", "/zones/{zone_id}/settings/{setting_id}", Route.Access.ZONE, Permission.ZONE_SETTINGS_WRITE)
                .doc("editZoneSetting", "Edit one zone setting").body("SettingValue")
                .to(c -> editOne(c.zone(), c.param("setting_id"), RequestJson.object(c.request()), c.token()));
        return routes.list();
    }

    private ApiResponse all(StoredZone zone) {
        ArrayNode out = F.arrayNode();
        Map<String, StoredSetting> stored = store.settings(zone.id());
        Settings.ALL.keySet().forEach(id -> out.add(setting(id, stored)));
        return Envelope.success(out);
    }

    private ApiResponse one(StoredZone zone, String id) {
        return Envelope.success(setting(id, store.settings(zone.id())));
    }

    private ApiResponse editOne(StoredZone zone, String id, JsonNode body, StoredToken token) {
        JsonNode value = body.get("value");
        if (value == null) {
            throw ApiException.badRequest(1007, "Invalid value for zone setting " + id + ": the body needs a value");
        }
        store.putSettings(zone.id(), validate(Map.of(id, value)), Credentials.actor(token));
        return one(zone, id);
    }

    private ApiResponse editSeveral(StoredZone zone, JsonNode body, StoredToken token) {
        JsonNode items = body.get("items");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.badRequest(1007, "Invalid request: expected {\"items\": [{\"id\": …, \"value\": …}, …]}");
        }
        Map<String, JsonNode> wanted = new LinkedHashMap<>();
        for (JsonNode item : items) {
            if (!item.hasNonNull("id") || !item.has("value")) {
                throw ApiException.badRequest(1007, "Invalid request: every item needs an id and a value");
            }
            wanted.put(item.get("id").asText(), item.get("value"));
        }
        store.putSettings(zone.id(), validate(wanted), Credentials.actor(token));
        ArrayNode out = F.arrayNode();
        Map<String, StoredSetting> now = store.settings(zone.id());
        wanted.keySet().forEach(id -> out.add(setting(id, now)));
        return Envelope.success(out);
    }

    /** Checks every change before any is written: one bad value and nothing changes. */
    private static Map<String, String> validate(Map<String, JsonNode> wanted) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : wanted.entrySet()) {
            Settings.Setting setting = Settings.ALL.get(e.getKey());
            if (setting == null) {
                throw ApiException.badRequest(1006, "Unrecognized zone setting name");
            }
            String problem = setting.check().apply(e.getValue());
            if (problem != null) {
                throw ApiException.badRequest(1007, "Invalid value for zone setting " + e.getKey() + " (expected: " + problem + ")");
            }
            out.put(e.getKey(), e.getValue().toString());
        }
        return out;
    }

    private static ObjectNode setting(String id, Map<String, StoredSetting> stored) {
        Settings.Setting setting = Settings.ALL.get(id);
        if (setting == null) {
            throw ApiException.badRequest(1006, "Unrecognized zone setting name");
        }
        StoredSetting s = stored.get(id);
        ObjectNode o = F.objectNode().put("id", id);
        o.set("value", s == null ? setting.defaultValue() : Json.stored(s.jsonValue()));
        o.put("editable", true);
        if (s == null) {
            o.putNull("modified_on");
        } else {
            o.put("modified_on", s.modifiedOn().toString());
        }
        return o;
    }
}
