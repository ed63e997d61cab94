package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Json;
import dev.pier.control.store.Page;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreException;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The part of Cloudflare's v4 API that Pier serves, as one table of routes ({@link #routes()}):
 * each names its method, its path as the OpenAPI document writes it, who may call it and the
 * permission it needs. A request is authenticated and authorized from its route before any
 * handler reads it. Every answer is Cloudflare's envelope; every refusal is a Cloudflare error
 * code and writes nothing.
 */
public final class ControlApi {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlApi.class);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
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
    private final List<Route> routes;

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
        this.routes = routeTable();
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
        return routes.stream().noneMatch(r -> r.access() == Route.Access.PUBLIC && r.method().equals(request.method())
                && r.match(request.path()) != null);
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            String path = request.path().endsWith("/") && request.path().length() > 1
                    ? request.path().substring(0, request.path().length() - 1) : request.path();
            Route route = null;
            Map<String, String> params = null;
            boolean pathKnown = false;
            for (Route r : routes) {
                Map<String, String> matched = r.match(path);
                if (matched != null) {
                    pathKnown = true;
                    if (r.method().equals(request.method())) {
                        route = r;
                        params = matched;
                        break;
                    }
                }
            }
            if (route == null) {
                throw pathKnown ? methodNotAllowed(path) : new ApiException(404, new ApiError(7000, "No route for that URI"));
            }
            if (route.access() == Route.Access.PUBLIC) {
                return route.handler().handle(new Route.Call(request, null, params, null));
            }
            StoredToken token = credentials.authenticate(request);
            Route.Call authorized = authorize(route, new Route.Call(request, token, params, null));
            FieldLimits.queryParameters(request);
            ApiResponse response = route.handler().handle(authorized);
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

    /**
     * The call once its token may make it, with its zone for a zone route. Scope is checked
     * before the permission and both before the zone is looked up: a token learns nothing
     * about a zone outside its scope, not even whether it exists.
     */
    private Route.Call authorize(Route route, Route.Call call) {
        StoredToken token = call.token();
        return switch (route.access()) {
            case PUBLIC, ANY_TOKEN -> call;
            case ADMINISTRATOR -> {
                requireAdministrator(token);
                yield call;
            }
            case ZONES -> {
                require(token, route.permission());
                yield call;
            }
            case ACCOUNT -> {
                require(token, route.permission());
                if (!token.zoneIds().isEmpty()) {
                    throw new ApiException(403, new ApiError(10000, "Authentication error"));
                }
                yield call;
            }
            case ZONE -> {
                String zoneId = call.param("zone_id");
                inScope(zoneId, token);
                require(token, route.permission());
                StoredZone zone = store.zone(zoneId).orElseThrow(() -> ApiException.notFound("/zones/" + zoneId));
                yield new Route.Call(call.request(), token, call.params(), zone);
            }
        };
    }

    /** Every operation this API serves, in the OpenAPI document's order; the first whose method and path match answers. */
    List<Route> routes() {
        return routes;
    }

    private List<Route> routeTable() {
        return List.of(
                new Route("GET", "/openapi.json", Route.Access.PUBLIC, null, c -> new ApiResponse(200, OPENAPI)),
                new Route("GET", "/user/tokens/verify", Route.Access.ANY_TOKEN, null, c -> verify(c.token())),
                new Route("GET", "/user/tokens", Route.Access.ADMINISTRATOR, null, c -> listTokens()),
                new Route("DELETE", "/user/tokens/{token_id}", Route.Access.ADMINISTRATOR, null,
                        c -> revokeToken(c.param("token_id"), c.token())),

                new Route("GET", "/zones", Route.Access.ZONES, Permission.ZONE_READ, c -> listZones(c.request(), c.token())),
                new Route("POST", "/zones", Route.Access.ACCOUNT, Permission.ZONE_WRITE, c -> createZone(c.request(), c.token())),
                new Route("GET", "/zones/{zone_id}", Route.Access.ZONE, Permission.ZONE_READ, c -> Envelope.success(zoneJson(c.zone()))),
                new Route("DELETE", "/zones/{zone_id}", Route.Access.ZONE, Permission.ZONE_WRITE, c -> deleteZone(c.zone(), c.token())),

                new Route("GET", "/zones/{zone_id}/settings", Route.Access.ZONE, Permission.ZONE_SETTINGS_READ,
                        c -> settings.all(c.zone())),
                new Route("PATCH", "/zones/{zone_id}/settings", Route.Access.ZONE, Permission.ZONE_SETTINGS_WRITE,
                        c -> settings.editSeveral(c.zone(), body(c.request()), c.token())),
                new Route("GET", "/zones/{zone_id}/settings/{setting_id}", Route.Access.ZONE, Permission.ZONE_SETTINGS_READ,
                        c -> settings.one(c.zone(), c.param("setting_id"))),
                new Route("PATCH", "/zones/{zone_id}/settings/{setting_id}", Route.Access.ZONE, Permission.ZONE_SETTINGS_WRITE,
                        c -> settings.editOne(c.zone(), c.param("setting_id"), body(c.request()), c.token())),
                new Route("GET", "/zones/{zone_id}/url_normalization", Route.Access.ZONE, Permission.ZONE_SETTINGS_READ,
                        c -> urlNormalization.get(c.zone())),
                new Route("PUT", "/zones/{zone_id}/url_normalization", Route.Access.ZONE, Permission.ZONE_SETTINGS_WRITE,
                        c -> urlNormalization.put(c.zone(), body(c.request()), c.token())),
                new Route("DELETE", "/zones/{zone_id}/url_normalization", Route.Access.ZONE, Permission.ZONE_SETTINGS_WRITE,
                        c -> urlNormalization.delete(c.zone(), c.token())),

                new Route("GET", "/zones/{zone_id}/dns_records", Route.Access.ZONE, Permission.ZONE_READ,
                        c -> dns.list(c.request(), c.zone())),
                new Route("POST", "/zones/{zone_id}/dns_records", Route.Access.ZONE, Permission.DNS_WRITE,
                        c -> dns.create(c.request(), c.zone(), c.token())),
                new Route("GET", "/zones/{zone_id}/dns_records/{dns_record_id}", Route.Access.ZONE, Permission.ZONE_READ,
                        c -> dns.get(c.zone(), c.param("dns_record_id"))),
                new Route("PUT", "/zones/{zone_id}/dns_records/{dns_record_id}", Route.Access.ZONE, Permission.DNS_WRITE,
                        c -> dns.update(c.request(), c.zone(), c.param("dns_record_id"), c.token(), false)),
                new Route("PATCH", "/zones/{zone_id}/dns_records/{dns_record_id}", Route.Access.ZONE, Permission.DNS_WRITE,
                        c -> dns.update(c.request(), c.zone(), c.param("dns_record_id"), c.token(), true)),
                new Route("DELETE", "/zones/{zone_id}/dns_records/{dns_record_id}", Route.Access.ZONE, Permission.DNS_WRITE,
                        c -> dns.delete(c.zone(), c.param("dns_record_id"), c.token())),

                new Route("GET", "/zones/{zone_id}/custom_certificates", Route.Access.ZONE, Permission.SSL_READ,
                        c -> certificates.list(c.request(), c.zone())),
                new Route("POST", "/zones/{zone_id}/custom_certificates", Route.Access.ZONE, Permission.SSL_WRITE,
                        c -> certificates.create(c.request(), c.zone(), c.token())),
                new Route("GET", "/zones/{zone_id}/custom_certificates/{custom_certificate_id}", Route.Access.ZONE, Permission.SSL_READ,
                        c -> certificates.get(c.zone(), c.param("custom_certificate_id"))),
                new Route("PATCH", "/zones/{zone_id}/custom_certificates/{custom_certificate_id}", Route.Access.ZONE, Permission.SSL_WRITE,
                        c -> certificates.replace(c.request(), c.zone(), c.param("custom_certificate_id"), c.token())),
                new Route("DELETE", "/zones/{zone_id}/custom_certificates/{custom_certificate_id}", Route.Access.ZONE, Permission.SSL_WRITE,
                        c -> certificates.delete(c.zone(), c.param("custom_certificate_id"), c.token())),

                new Route("GET", "/zones/{zone_id}/rulesets", Route.Access.ZONE, Permission.ZONE_READ, c -> rulesets.list(c.zone())),
                new Route("POST", "/zones/{zone_id}/rulesets", Route.Access.ZONE, Permission.ZONE_WAF_WRITE,
                        c -> rulesets.create(c.zone(), body(c.request()), c.token())),
                new Route("GET", "/zones/{zone_id}/rulesets/{ruleset_id}", Route.Access.ZONE, Permission.ZONE_READ,
                        c -> rulesets.byId(c.zone(), c.param("ruleset_id"))),
                new Route("PUT", "/zones/{zone_id}/rulesets/{ruleset_id}", Route.Access.ZONE, Permission.ZONE_WAF_WRITE,
                        c -> rulesets.putById(c.zone(), c.param("ruleset_id"), body(c.request()), c.token())),
                new Route("DELETE", "/zones/{zone_id}/rulesets/{ruleset_id}", Route.Access.ZONE, Permission.ZONE_WAF_WRITE,
                        c -> rulesets.delete(c.zone(), c.param("ruleset_id"), c.token())),
                new Route("GET", "/zones/{zone_id}/rulesets/phases/{ruleset_phase}/entrypoint", Route.Access.ZONE, Permission.ZONE_READ,
                        c -> rulesets.entrypoint(c.zone(), c.param("ruleset_phase"))),
                new Route("PUT", "/zones/{zone_id}/rulesets/phases/{ruleset_phase}/entrypoint", Route.Access.ZONE, Permission.ZONE_WAF_WRITE,
                        c -> rulesets.put(c.zone(), c.param("ruleset_phase"), body(c.request()), c.token())),
                new Route("POST", "/zones/{zone_id}/rulesets/{ruleset_id}/rules", Route.Access.ZONE, Permission.ZONE_WAF_WRITE,
                        c -> rulesets.addRule(c.zone(), c.param("ruleset_id"), body(c.request()), c.token())),
                new Route("PATCH", "/zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}", Route.Access.ZONE, Permission.ZONE_WAF_WRITE,
                        c -> rulesets.editRule(c.zone(), c.param("ruleset_id"), c.param("rule_id"), body(c.request()), c.token())),
                new Route("DELETE", "/zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}", Route.Access.ZONE, Permission.ZONE_WAF_WRITE,
                        c -> rulesets.deleteRule(c.zone(), c.param("ruleset_id"), c.param("rule_id"), c.token())),
                new Route("POST", "/zones/{zone_id}/filters/validate-expr", Route.Access.ZONE, Permission.ZONE_READ,
                        c -> validateExpression(body(c.request()))),

                new Route("GET", "/accounts/{account_id}/rules/lists", Route.Access.ACCOUNT, Permission.LISTS_READ, c -> lists.all()),
                new Route("POST", "/accounts/{account_id}/rules/lists", Route.Access.ACCOUNT, Permission.LISTS_WRITE,
                        c -> lists.create(body(c.request()), c.token())),
                new Route("GET", "/accounts/{account_id}/rules/lists/{list_id}", Route.Access.ACCOUNT, Permission.LISTS_READ,
                        c -> lists.get(c.param("list_id"))),
                new Route("DELETE", "/accounts/{account_id}/rules/lists/{list_id}", Route.Access.ACCOUNT, Permission.LISTS_WRITE,
                        c -> lists.delete(c.param("list_id"), c.token())),
                new Route("GET", "/accounts/{account_id}/rules/lists/{list_id}/items", Route.Access.ACCOUNT, Permission.LISTS_READ,
                        c -> lists.items(c.request(), c.param("list_id"))),
                new Route("POST", "/accounts/{account_id}/rules/lists/{list_id}/items", Route.Access.ACCOUNT, Permission.LISTS_WRITE,
                        c -> lists.putItems(c.param("list_id"), json(c.request()), false, c.token())),
                new Route("PUT", "/accounts/{account_id}/rules/lists/{list_id}/items", Route.Access.ACCOUNT, Permission.LISTS_WRITE,
                        c -> lists.putItems(c.param("list_id"), json(c.request()), true, c.token())),
                new Route("DELETE", "/accounts/{account_id}/rules/lists/{list_id}/items", Route.Access.ACCOUNT, Permission.LISTS_WRITE,
                        c -> lists.deleteItems(c.param("list_id"), body(c.request()), c.token())),
                new Route("GET", "/accounts/{account_id}/rules/lists/bulk_operations/{operation_id}", Route.Access.ACCOUNT,
                        Permission.LISTS_READ, c -> lists.operation(c.param("operation_id"))),
                new Route("GET", "/accounts/{account_id}/audit_logs", Route.Access.ZONES, Permission.ZONE_READ,
                        c -> auditLog(c.request(), c.token())));
    }

    private ApiResponse verify(StoredToken token) {
        ObjectNode result = F.objectNode().put("id", token.id()).put("status", token.status());
        return Envelope.success(200, result, null, List.of(new ApiError(10000, "This API Token is valid and active")));
    }

    private ApiResponse listTokens() {
        ArrayNode result = F.arrayNode();
        for (StoredToken t : store.tokens()) {
            result.add(tokenJson(t));
        }
        return Envelope.success(result);
    }

    private ApiResponse revokeToken(String id, StoredToken token) {
        if (!store.deleteToken(id, actor(token))) {
            throw new ApiException(404, new ApiError(1003, "Token " + id + " does not exist"));
        }
        return Envelope.success(F.objectNode().put("id", id));
    }

    private ApiResponse deleteZone(StoredZone zone, StoredToken token) {
        store.deleteZone(zone.id(), actor(token));
        return Envelope.success(200, F.objectNode().put("id", zone.id()), null, List.of());
    }

    /** A scoped token reads the history of its zones only, and names no other zone in the filter. */
    private ApiResponse auditLog(ApiRequest r, StoredToken token) {
        String zoneId = r.param("zone_id");
        if (zoneId != null) {
            inScope(zoneId, token); // not necessarily there: a deleted zone's history stays readable
        }
        return audit.list(r, token);
    }

    /** Parses and compiles an expression as deploying it would, lists and all, so what passes here deploys. */
    private ApiResponse validateExpression(JsonNode body) {
        JsonNode expression = body.get("expression");
        if (expression == null || !expression.isTextual()) {
            throw ApiException.badRequest(20021, "expected {\"expression\": \"…\"}");
        }
        dev.pier.rules.Expression parsed;
        try {
            parsed = dev.pier.rules.Expression.parse(dev.pier.waf.WafScheme.SCHEME, expression.asText());
        } catch (dev.pier.rules.RuleException e) {
            throw ApiException.badRequest(20021, "filter parsing error: " + e.getMessage());
        }
        if (!parsed.lists().isEmpty()) {
            java.util.Set<String> known = store.listNames();
            for (String list : new TreeSet<>(parsed.lists())) {
                if (!known.contains(list)) {
                    throw ApiException.badRequest(20021, "filter parsing error: $" + list + " is not a list");
                }
            }
        }
        return Envelope.success(F.nullNode());
    }

    /** Any JSON body (an array for list items). */
    static JsonNode json(ApiRequest r) {
        try {
            JsonNode node = Json.MAPPER.readTree(r.body());
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
        JsonNode name = body(r).get("name");
        String n = name == null ? null : name.asText().toLowerCase(java.util.Locale.ROOT);
        if (n == null || n.length() > FieldLimits.HOST_NAME || !ZONE_NAME.matcher(n).matches() || !n.contains(".") && !n.equals("localhost")) {
            throw ApiException.badRequest(1097, "Invalid zone name: " + (n == null ? "missing (expected: {\"name\": \"example.com\"})" : n));
        }
        return Envelope.success(200, zoneJson(store.createZone(n, actor(token))), null, List.of());
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
            JsonNode node = Json.MAPPER.readTree(r.body());
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
