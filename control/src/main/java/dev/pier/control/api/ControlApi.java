package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Page;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreException;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloudflare's v4 API, the part Pier serves so far: token verification, zones and zone
 * settings. Every answer is Cloudflare's envelope; every refusal is a Cloudflare error code
 * and writes nothing.
 */
public final class ControlApi {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern ZONE = Pattern.compile("/zones/([0-9a-f]{32})");
    private static final Pattern TOKEN = Pattern.compile("/user/tokens/([0-9a-f]{32})");
    private static final Pattern ZONE_SETTINGS = Pattern.compile("/zones/([0-9a-f]{32})/settings");
    private static final Pattern ZONE_SETTING = Pattern.compile("/zones/([0-9a-f]{32})/settings/([a-z0-9_]+)");
    private static final Pattern URL_NORMALIZATION = Pattern.compile("/zones/([0-9a-f]{32})/url_normalization");
    private static final Pattern DNS_RECORDS = Pattern.compile("/zones/([0-9a-f]{32})/dns_records");
    private static final Pattern DNS_RECORD = Pattern.compile("/zones/([0-9a-f]{32})/dns_records/([0-9a-f]{32})");
    private static final Pattern CERTIFICATES = Pattern.compile("/zones/([0-9a-f]{32})/custom_certificates(?:/([0-9a-f]{32}))?");
    private static final Pattern RULESETS = Pattern.compile("/zones/([0-9a-f]{32})/rulesets");
    private static final Pattern ENTRYPOINT = Pattern.compile("/zones/([0-9a-f]{32})/rulesets/phases/([a-z_]+)/entrypoint");
    private static final Pattern RULESET = Pattern.compile("/zones/([0-9a-f]{32})/rulesets/([0-9a-f]{32})");
    private static final Pattern RULES = Pattern.compile("/zones/([0-9a-f]{32})/rulesets/([0-9a-f]{32})/rules");
    private static final Pattern RULE = Pattern.compile("/zones/([0-9a-f]{32})/rulesets/([0-9a-f]{32})/rules/([0-9a-zA-Z_-]+)");
    private static final Pattern VALIDATE = Pattern.compile("/zones/([0-9a-f]{32})/filters/validate-expr");
    private static final Pattern LISTS = Pattern.compile("/accounts/" + "pier" + "/rules/lists(?:/([0-9a-f]{32}))?(/items)?");
    private static final Pattern LIST_OPERATION = Pattern.compile("/accounts/pier/rules/lists/bulk_operations/([0-9a-f]{32})");
    private static final Pattern ZONE_NAME = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** The OpenAPI document of what this API serves. */
    private static final String OPENAPI = resource("openapi.json");

    private final Store store;
    private final Credentials credentials;
    private final DnsRecordsApi dns;
    private final RulesetsApi rulesets;
    private final ListsApi lists;
    private final SettingsApi settings;
    private final UrlNormalizationApi urlNormalization;
    private final AuditApi audit;
    private final CertificatesApi certificates;

    public ControlApi(Store store) {
        this.store = store;
        this.credentials = new Credentials(store);
        this.dns = new DnsRecordsApi(store);
        this.rulesets = new RulesetsApi(store);
        this.lists = new ListsApi(store);
        this.settings = new SettingsApi(store);
        this.urlNormalization = new UrlNormalizationApi(store);
        this.audit = new AuditApi(store);
        this.certificates = new CertificatesApi(store);
    }

    public Credentials credentials() {
        return credentials;
    }

    private volatile Runnable afterWrite = () -> { };

    /** Runs after every request that may have written (an edge in the same process applies the change at once). */
    public void afterWrite(Runnable action) {
        this.afterWrite = action;
    }

    /** True for every request but the public ones: a success answer to it means its token was valid. */
    public boolean requiresToken(ApiRequest request) {
        return !(request.path().equals("/openapi.json") && request.method().equals("GET"));
    }

    public ApiResponse handle(ApiRequest request) {
        if (!requiresToken(request)) {
            return new ApiResponse(200, OPENAPI); // public: it describes, it reveals nothing
        }
        try {
            StoredToken token = credentials.authenticate(request);
            ApiResponse response = route(request, token);
            if (!request.method().equals("GET")) {
                afterWrite.run();
            }
            return response;
        } catch (ApiException e) {
            return Envelope.failure(e.status(), e.errors());
        } catch (StoreException e) {
            if (e.kind() != StoreException.Kind.CONFLICT) {
                LOG.warn("API: {} {}: the store failed: {}", request.method(), request.path(), e.getMessage());
            }
            return e.kind() == StoreException.Kind.CONFLICT ? Envelope.failure(400, List.of(new ApiError(1061, e.getMessage())))
                    : Envelope.failure(503, List.of(new ApiError(1000, "The store is unavailable; the edge's log has the details")));
        } catch (RuntimeException e) {
            // a bug, not a bad request: still Cloudflare's envelope, and the details in the log (never a secret: no headers)
            LOG.error("API: {} {} failed", request.method(), request.path(), e);
            return Envelope.failure(500, List.of(new ApiError(10001, "Internal error; the edge's log has the details")));
        }
    }

    private ApiResponse route(ApiRequest r, StoredToken token) {
        FieldLimits.queryParameters(r);
        String path = r.path().endsWith("/") && r.path().length() > 1 ? r.path().substring(0, r.path().length() - 1) : r.path();
        String m = r.method();
        Matcher matcher;
        if (path.equals("/user/tokens/verify") && m.equals("GET")) {
            ObjectNode result = F.objectNode().put("id", token.id()).put("status", token.status());
            return Envelope.success(200, result, null, List.of(new ApiError(10000, "This API Token is valid and active")));
        }
        if (path.equals("/user/tokens") && m.equals("GET")) {
            requireAdministrator(token);
            ArrayNode result = F.arrayNode();
            for (StoredToken t : store.tokens()) {
                result.add(tokenJson(t));
            }
            return Envelope.success(result);
        }
        if ((matcher = TOKEN.matcher(path)).matches() && m.equals("DELETE")) {
            requireAdministrator(token);
            if (!store.deleteToken(matcher.group(1), actor(token))) {
                throw new ApiException(404, new ApiError(1003, "Token " + matcher.group(1) + " does not exist"));
            }
            return Envelope.success(F.objectNode().put("id", matcher.group(1)));
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
            return switch (m) {
                case "GET" -> {
                    require(token, Permission.ZONE_SETTINGS_READ);
                    yield settings.one(zone, matcher.group(2));
                }
                case "PATCH" -> {
                    require(token, Permission.ZONE_SETTINGS_WRITE);
                    yield settings.editOne(zone, matcher.group(2), body(r), token);
                }
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = ZONE_SETTINGS.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "GET" -> {
                    require(token, Permission.ZONE_SETTINGS_READ);
                    yield settings.all(zone);
                }
                case "PATCH" -> {
                    require(token, Permission.ZONE_SETTINGS_WRITE);
                    yield settings.editSeveral(zone, body(r), token);
                }
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = URL_NORMALIZATION.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            require(token, m.equals("GET") ? Permission.ZONE_SETTINGS_READ : Permission.ZONE_SETTINGS_WRITE);
            return switch (m) {
                case "GET" -> urlNormalization.get(zone);
                case "PUT" -> urlNormalization.put(zone, body(r), token);
                case "DELETE" -> urlNormalization.delete(zone, token);
                default -> throw methodNotAllowed(path);
            };
        }
        if (path.equals("/accounts/" + ACCOUNT + "/audit_logs") && m.equals("GET")) {
            require(token, Permission.ZONE_READ);
            String zoneId = r.param("zone_id");
            if (zoneId != null) {
                inScope(zoneId, token); // not necessarily there: a deleted zone's history stays readable
            }
            return audit.list(r, token);
        }
        if ((matcher = LIST_OPERATION.matcher(path)).matches() && m.equals("GET")) {
            require(token, Permission.ZONE_READ);
            return lists.operation(matcher.group(1));
        }
        if ((matcher = LISTS.matcher(path)).matches()) {
            return lists(r, matcher.group(1), matcher.group(2) != null, token);
        }
        if ((matcher = VALIDATE.matcher(path)).matches() && m.equals("POST")) {
            zone(matcher.group(1), token);
            require(token, Permission.ZONE_READ);
            JsonNode expression = body(r).get("expression");
            if (expression == null || !expression.isTextual()) {
                throw ApiException.badRequest(20021, "expected {\"expression\": \"…\"}");
            }
            try {
                dev.pier.rules.Expression.parse(dev.pier.waf.WafScheme.SCHEME, expression.asText());
            } catch (dev.pier.rules.RuleException e) {
                throw ApiException.badRequest(20021, "filter parsing error: " + e.getMessage());
            }
            return Envelope.success(F.nullNode());
        }
        if (path.contains("/rulesets")) {
            return rulesets(r, path, token);
        }
        if ((matcher = DNS_RECORDS.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "GET" -> {
                    require(token, Permission.ZONE_READ);
                    yield dns.list(r, zone);
                }
                case "POST" -> {
                    require(token, Permission.DNS_WRITE);
                    yield dns.create(r, zone, token);
                }
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = DNS_RECORD.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            String id = matcher.group(2);
            if (!m.equals("GET")) {
                require(token, Permission.DNS_WRITE);
            }
            return switch (m) {
                case "GET" -> {
                    require(token, Permission.ZONE_READ);
                    yield dns.get(zone, id);
                }
                case "PUT" -> dns.update(r, zone, id, token, false);
                case "PATCH" -> dns.update(r, zone, id, token, true);
                case "DELETE" -> dns.delete(zone, id, token);
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = CERTIFICATES.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            String id = matcher.group(2);
            require(token, m.equals("GET") ? Permission.SSL_READ : Permission.SSL_WRITE);
            return switch (m) {
                case "GET" -> id == null ? certificates.list(r, zone) : certificates.get(zone, id);
                case "POST" -> {
                    if (id != null) {
                        throw methodNotAllowed(path);
                    }
                    yield certificates.create(r, zone, token);
                }
                case "PATCH" -> {
                    if (id == null) {
                        throw methodNotAllowed(path);
                    }
                    yield certificates.replace(r, zone, id, token);
                }
                case "DELETE" -> {
                    if (id == null) {
                        throw methodNotAllowed(path);
                    }
                    yield certificates.delete(zone, id, token);
                }
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = ZONE.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "GET" -> {
                    require(token, Permission.ZONE_READ);
                    yield Envelope.success(zoneJson(zone));
                }
                case "DELETE" -> {
                    require(token, Permission.ZONE_WRITE);
                    store.deleteZone(zone.id(), actor(token));
                    yield Envelope.success(200, F.objectNode().put("id", zone.id()), null, List.of());
                }
                default -> throw methodNotAllowed(path);
            };
        }
        throw new ApiException(404, new ApiError(7000, "No route for that URI"));
    }

    private ApiResponse rulesets(ApiRequest r, String path, StoredToken token) {
        String m = r.method();
        if (!m.equals("GET")) {
            require(token, Permission.ZONE_WAF_WRITE);
        } else {
            require(token, Permission.ZONE_READ);
        }
        Matcher matcher;
        if ((matcher = ENTRYPOINT.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "GET" -> rulesets.entrypoint(zone, matcher.group(2));
                case "PUT" -> rulesets.put(zone, matcher.group(2), body(r), token);
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = RULE.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "PATCH" -> rulesets.editRule(zone, matcher.group(2), matcher.group(3), body(r), token);
                case "DELETE" -> rulesets.deleteRule(zone, matcher.group(2), matcher.group(3), token);
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = RULES.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            if (!m.equals("POST")) {
                throw methodNotAllowed(path);
            }
            return rulesets.addRule(zone, matcher.group(2), body(r), token);
        }
        if ((matcher = RULESET.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "GET" -> rulesets.byId(zone, matcher.group(2));
                case "PUT" -> rulesets.putById(zone, matcher.group(2), body(r), token);
                case "DELETE" -> rulesets.delete(zone, matcher.group(2), token);
                default -> throw methodNotAllowed(path);
            };
        }
        if ((matcher = RULESETS.matcher(path)).matches()) {
            StoredZone zone = zone(matcher.group(1), token);
            return switch (m) {
                case "GET" -> rulesets.list(zone);
                case "POST" -> rulesets.create(zone, body(r), token);
                default -> throw methodNotAllowed(path);
            };
        }
        throw new ApiException(404, new ApiError(7000, "No route for that URI"));
    }

    private ApiResponse lists(ApiRequest r, String id, boolean items, StoredToken token) {
        String m = r.method();
        if (m.equals("GET")) {
            require(token, Permission.ZONE_READ);
        } else {
            require(token, Permission.ZONE_WAF_WRITE);
            if (!token.zoneIds().isEmpty()) {
                throw new ApiException(403, new ApiError(10000, "Authentication error")); // lists are the account's
            }
        }
        if (id == null) {
            return switch (m) {
                case "GET" -> lists.all();
                case "POST" -> lists.create(body(r), token);
                default -> throw methodNotAllowed(r.path());
            };
        }
        if (!items) {
            return switch (m) {
                case "GET" -> lists.get(id);
                case "DELETE" -> lists.delete(id, token);
                default -> throw methodNotAllowed(r.path());
            };
        }
        return switch (m) {
            case "GET" -> lists.items(id);
            case "POST" -> lists.putItems(id, json(r), false, token);
            case "PUT" -> lists.putItems(id, json(r), true, token);
            case "DELETE" -> lists.deleteItems(id, body(r), token);
            default -> throw methodNotAllowed(r.path());
        };
    }

    /** Stored JSON, parsed. */
    static JsonNode parseJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is not JSON", e);
        }
    }

    /** Any JSON body (an array for list items). */
    static JsonNode json(ApiRequest r) {
        try {
            JsonNode node = JSON.readTree(r.body());
            if (node == null) {
                throw ApiException.badRequest(6007, "Malformed JSON in request body");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest(6007, "Malformed JSON in request body");
        }
    }

    private static String resource(String name) {
        try (var in = ControlApi.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the API's " + name + " is missing from the classpath", e);
        }
    }

    /** Pier has one account; its id appears where Cloudflare's API has an account id. */
    static final String ACCOUNT = "pier";

    // ---------------------------------------------------------------- zones

    private ApiResponse listZones(ApiRequest r, StoredToken token) {
        require(token, Permission.ZONE_READ);
        int page = intParam(r, "page", 1, 1, 100_000);
        int perPage = intParam(r, "per_page", 20, 5, 50);
        Page<StoredZone> zones;
        if (token.zoneIds().isEmpty()) {
            zones = store.zones(r.param("name"), page, perPage);
        } else {
            // a token scoped to some zones sees those only
            List<StoredZone> mine = store.zones(r.param("name"), 1, Integer.MAX_VALUE / 2).items().stream()
                    .filter(z -> token.zoneIds().contains(z.id())).toList();
            zones = Page.slice(mine, page, perPage);
        }
        return Envelope.page(zones, ControlApi::zoneJson);
    }

    private ApiResponse createZone(ApiRequest r, StoredToken token) {
        require(token, Permission.ZONE_WRITE);
        if (!token.zoneIds().isEmpty()) {
            throw new ApiException(403, new ApiError(10000, "Authentication error"));
        }
        JsonNode name = body(r).get("name");
        String n = name == null ? null : name.asText().toLowerCase(java.util.Locale.ROOT);
        if (n == null || n.length() > FieldLimits.HOST_NAME || !ZONE_NAME.matcher(n).matches() || !n.contains(".") && !n.equals("localhost")) {
            throw ApiException.badRequest(1097, "Invalid zone name: " + (n == null ? "missing (expected: {\"name\": \"example.com\"})" : n));
        }
        return Envelope.success(200, zoneJson(store.createZone(n, actor(token))), null, List.of());
    }

    StoredZone zone(String id, StoredToken token) {
        // scope first: a scoped token learns nothing about zones outside it, not even whether they exist
        inScope(id, token);
        return store.zone(id).orElseThrow(() -> ApiException.notFound("/zones/" + id));
    }

    private static void inScope(String zoneId, StoredToken token) {
        if (!token.zoneIds().isEmpty() && !token.zoneIds().contains(zoneId)) {
            throw new ApiException(403, new ApiError(10000, "Authentication error"));
        }
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

    // ---------------------------------------------------------------- plumbing

    /**
     * Tokens are managed by administrators only: a token with every permission on every zone
     * (so a token can never see or revoke one stronger than itself).
     */
    private static void requireAdministrator(StoredToken token) {
        if (!isAdministrator(token)) {
            throw new ApiException(403, new ApiError(10000, "Authentication error"));
        }
    }

    /** Every permission on every zone. */
    static boolean isAdministrator(StoredToken token) {
        return token.zoneIds().isEmpty() && EnumSet.allOf(Permission.class).stream().allMatch(p -> p.grantedBy(token.permissions()));
    }

    /** A token as Cloudflare lists them, without its secret or hash. */
    private static ObjectNode tokenJson(StoredToken t) {
        ObjectNode o = F.objectNode().put("id", t.id()).put("name", t.name()).put("status", t.status())
                .put("issued_on", t.issuedOn().toString());
        ArrayNode permissions = o.putArray("permissions");
        new TreeSet<>(t.permissions()).forEach(permissions::add);
        ArrayNode zones = o.putArray("zones");
        new TreeSet<>(t.zoneIds()).forEach(zones::add);
        return o;
    }

    static void require(StoredToken token, Permission permission) {
        if (!permission.grantedBy(token.permissions())) {
            throw new ApiException(403, new ApiError(10000, "Authentication error"));
        }
    }

    static String actor(StoredToken token) {
        return "token:" + token.id() + " (" + token.name() + ")";
    }

    static JsonNode body(ApiRequest r) {
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


    static int intParam(ApiRequest r, String name, int fallback, int min, int max) {
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

    static ApiException methodNotAllowed(String path) {
        return new ApiException(405, new ApiError(10405, "Method not allowed for " + path));
    }
}
