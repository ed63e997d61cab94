package dev.pier.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Page;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreException;
import dev.pier.control.store.StoredSetting;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloudflare's v4 API, the part Pier serves so far: token verification, zones and zone
 * settings. Every answer is Cloudflare's envelope; every refusal is a Cloudflare error code
 * and writes nothing.
 */
public final class ControlApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern ZONE = Pattern.compile("/zones/([0-9a-f]{32})");
    private static final Pattern ZONE_SETTINGS = Pattern.compile("/zones/([0-9a-f]{32})/settings");
    private static final Pattern ZONE_SETTING = Pattern.compile("/zones/([0-9a-f]{32})/settings/([a-z0-9_]+)");
    private static final Pattern ZONE_NAME = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private final Store store;
    private final Credentials credentials;

    public ControlApi(Store store) {
        this.store = store;
        this.credentials = new Credentials(store);
    }

    public Credentials credentials() {
        return credentials;
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            StoredToken token = credentials.authenticate(request);
            return route(request, token);
        } catch (ApiException e) {
            return failure(e.status(), e.errors());
        } catch (StoreException e) {
            return failure(e.kind() == StoreException.Kind.CONFLICT ? 400 : 503,
                    List.of(new ApiError(e.kind() == StoreException.Kind.CONFLICT ? 1061 : 1000, e.getMessage())));
        }
    }

    private ApiResponse route(ApiRequest r, StoredToken token) {
        String path = r.path().endsWith("/") && r.path().length() > 1 ? r.path().substring(0, r.path().length() - 1) : r.path();
        String m = r.method();
        Matcher matcher;
        if (path.equals("/user/tokens/verify") && m.equals("GET")) {
            ObjectNode result = F.objectNode().put("id", token.id()).put("status", token.status());
            return success(200, result, null, List.of(new ApiError(10000, "This API Token is valid and active")));
        }
        if (path.equals("/zones")) {
            return switch (m) {
                case "GET" -> listZones(r, token);
                case "POST" -> createZone(r, token);
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = ZONE_SETTING.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            String id = matcher.group(2);
            return switch (m) {
                case "GET" -> {
                    require(token, Permission.ZONE_SETTINGS_READ);
                    yield success(200, setting(id, store.settings(zone.id())), null, List.of());
                }
                case "PATCH" -> {
                    require(token, Permission.ZONE_SETTINGS_WRITE);
                    JsonNode body = body(r);
                    JsonNode value = body.get("value");
                    if (value == null) {
                        throw ApiException.badRequest(1007, "Invalid value for zone setting " + id + ": the body needs a value");
                    }
                    Map<String, String> changes = validate(Map.of(id, value));
                    store.putSettings(zone.id(), changes, actor(token));
                    yield success(200, setting(id, store.settings(zone.id())), null, List.of());
                }
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = ZONE_SETTINGS.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "GET" -> {
                    require(token, Permission.ZONE_SETTINGS_READ);
                    yield success(200, allSettings(store.settings(zone.id())), null, List.of());
                }
                case "PATCH" -> {
                    require(token, Permission.ZONE_SETTINGS_WRITE);
                    JsonNode items = body(r).get("items");
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
                    store.putSettings(zone.id(), validate(wanted), actor(token));
                    ArrayNode out = F.arrayNode();
                    Map<String, StoredSetting> now = store.settings(zone.id());
                    wanted.keySet().forEach(id -> out.add(setting(id, now)));
                    yield success(200, out, null, List.of());
                }
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = ZONE.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "GET" -> success(200, zoneJson(zone), null, List.of());
                case "DELETE" -> {
                    require(token, Permission.ZONE_WRITE);
                    store.deleteZone(zone.id(), actor(token));
                    yield success(200, F.objectNode().put("id", zone.id()), null, List.of());
                }
                default -> throw methodNotAllowed(path);
            };
        }
        throw new ApiException(404, new ApiError(7000, "No route for that URI"));
    }

    // ---------------------------------------------------------------- zones

    private ApiResponse listZones(ApiRequest r, StoredToken token) {
        require(token, Permission.ZONE_READ);
        int page = intParam(r, "page", 1, 1, Integer.MAX_VALUE);
        int perPage = intParam(r, "per_page", 20, 5, 50);
        Page<StoredZone> zones;
        if (token.zoneIds().isEmpty()) {
            zones = store.zones(r.param("name"), page, perPage);
        } else {
            // a token scoped to some zones sees those only
            List<StoredZone> mine = store.zones(r.param("name"), 1, Integer.MAX_VALUE / 2).items().stream()
                    .filter(z -> token.zoneIds().contains(z.id())).toList();
            int from = Math.min(mine.size(), (page - 1) * perPage);
            zones = new Page<>(mine.subList(from, Math.min(mine.size(), from + perPage)), page, perPage, mine.size());
        }
        ArrayNode items = F.arrayNode();
        zones.items().forEach(z -> items.add(zoneJson(z)));
        ObjectNode info = F.objectNode().put("page", zones.page()).put("per_page", zones.perPage())
                .put("count", zones.items().size()).put("total_count", zones.totalCount()).put("total_pages", zones.totalPages());
        return success(200, items, info, List.of());
    }

    private ApiResponse createZone(ApiRequest r, StoredToken token) {
        require(token, Permission.ZONE_WRITE);
        if (!token.zoneIds().isEmpty()) {
            throw new ApiException(403, new ApiError(10000, "Authentication error"));
        }
        JsonNode name = body(r).get("name");
        String n = name == null ? null : name.asText().toLowerCase(java.util.Locale.ROOT);
        if (n == null || !ZONE_NAME.matcher(n).matches() || !n.contains(".") && !n.equals("localhost")) {
            throw ApiException.badRequest(1097, "Invalid zone name: " + (n == null ? "missing (expected: {\"name\": \"example.com\"})" : n));
        }
        return success(200, zoneJson(store.createZone(n, actor(token))), null, List.of());
    }

    private StoredZone zone(String id, StoredToken token) {
        StoredZone zone = store.zone(id).orElseThrow(() -> ApiException.notFound("/zones/" + id));
        if (!token.zoneIds().isEmpty() && !token.zoneIds().contains(id)) {
            throw new ApiException(403, new ApiError(10000, "Authentication error"));
        }
        return zone;
    }

    private static ObjectNode zoneJson(StoredZone z) {
        ObjectNode o = F.objectNode().put("id", z.id()).put("name", z.name()).put("status", z.status()).put("paused", false)
                .put("type", "full").put("development_mode", 0);
        o.putArray("name_servers");
        o.put("created_on", z.createdOn().toString()).put("modified_on", z.modifiedOn().toString())
                .put("activated_on", z.createdOn().toString());
        o.putObject("account").put("id", "pier").put("name", "Pier");
        return o;
    }

    // ---------------------------------------------------------------- settings

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
        o.set("value", s == null ? setting.defaultValue() : parse(s.jsonValue()));
        o.put("editable", true);
        if (s == null) {
            o.putNull("modified_on");
        } else {
            o.put("modified_on", s.modifiedOn().toString());
        }
        return o;
    }

    private static ArrayNode allSettings(Map<String, StoredSetting> stored) {
        ArrayNode out = F.arrayNode();
        Settings.ALL.keySet().forEach(id -> out.add(setting(id, stored)));
        return out;
    }

    // ---------------------------------------------------------------- plumbing

    private static void require(StoredToken token, Permission permission) {
        if (!permission.grantedBy(token.permissions())) {
            throw new ApiException(403, new ApiError(10000, "Authentication error"));
        }
    }

    private static String actor(StoredToken token) {
        return "token:" + token.id() + " (" + token.name() + ")";
    }

    private static JsonNode body(ApiRequest r) {
        try {
            JsonNode node = JSON.readTree(r.body());
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest(6007, "Malformed JSON in request body");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest(6007, "Malformed JSON in request body");
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored setting is not JSON: " + json, e);
        }
    }

    private static int intParam(ApiRequest r, String name, int fallback, int min, int max) {
        String v = r.param(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest(1004, "Invalid " + name + ": " + v + " (expected: a number from " + min + " to " + max + ")");
    }

    private static ApiException methodNotAllowed(String path) {
        return new ApiException(405, new ApiError(10405, "Method not allowed for " + path));
    }

    private static ApiResponse success(int status, JsonNode result, ObjectNode info, List<ApiError> messages) {
        ObjectNode o = F.objectNode();
        o.put("success", true);
        o.putArray("errors");
        ArrayNode m = o.putArray("messages");
        messages.forEach(e -> m.addObject().put("code", e.code()).put("message", e.message()).putNull("type"));
        o.set("result", result);
        if (info != null) {
            o.set("result_info", info);
        }
        return new ApiResponse(status, o.toString());
    }

    private static ApiResponse failure(int status, List<ApiError> errors) {
        ObjectNode o = F.objectNode();
        o.put("success", false);
        ArrayNode e = o.putArray("errors");
        errors.forEach(err -> e.add(error(err)));
        o.putArray("messages");
        o.putNull("result");
        return new ApiResponse(status, o.toString());
    }

    private static ObjectNode error(ApiError err) {
        ObjectNode o = F.objectNode().put("code", err.code()).put("message", err.message());
        if (!err.chain().isEmpty()) {
            ArrayNode chain = o.putArray("error_chain");
            err.chain().forEach(c -> chain.add(error(c)));
        }
        return o;
    }
}
