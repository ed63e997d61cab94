package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.WorkerRoute;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreException;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredWorkerRoute;
import dev.pier.control.store.StoredZone;
import dev.pier.control.store.StoredZoneContents;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /zones/{id}/workers/routes}: list, create, read, replace (PUT) and delete a zone's
 * routes to Workers, in Cloudflare's shape ({@code {id, pattern, script}}). A pattern is checked
 * as the configuration file checks one ({@link WorkerRoute#of}) and is a zone's once; the script
 * is a name, which the nodes' files deploy (a route to a script no node runs answers 503).
 */
final class WorkerRoutesApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Cloudflare's code for a body its Workers API cannot take. */
    static final int INVALID = 10021;
    /** Cloudflare's code for a pattern the zone has a route for already. */
    static final int DUPLICATE = 10020;
    /** Cloudflare's Workers API's code for what does not exist. */
    static final int NOT_FOUND = 10007;

    private final Store store;

    WorkerRoutesApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Workers routes");
        String all = "/zones/{zone_id}/workers/routes";
        String one = all + "/{route_id}";
        routes.add("GET", all, Route.Access.ZONE, Permission.WORKERS_ROUTES_READ).doc("listWorkerRoutes", "List a zone's Worker routes")
                .to(c -> list(c.zone()));
        routes.add("POST", all, Route.Access.ZONE, Permission.WORKERS_ROUTES_WRITE).doc("createWorkerRoute", "Route a pattern to a Worker")
                .body("WorkerRoute").to(c -> create(c.request(), c.zone(), c.token()));
        routes.add("GET", one, Route.Access.ZONE, Permission.WORKERS_ROUTES_READ).doc("getWorkerRoute", "One Worker route")
                .to(c -> Envelope.success(json(find(c.zone(), c.param("route_id")))));
        routes.add("PUT", one, Route.Access.ZONE, Permission.WORKERS_ROUTES_WRITE).doc("updateWorkerRoute", "Replace a route's pattern and script")
                .body("WorkerRoute").to(c -> update(c.request(), c.zone(), c.param("route_id"), c.token()));
        routes.add("DELETE", one, Route.Access.ZONE, Permission.WORKERS_ROUTES_WRITE).doc("deleteWorkerRoute", "Delete a Worker route")
                .to(c -> delete(c.zone(), c.param("route_id"), c.token()));
        String script = "/accounts/{account_id}/workers/scripts/{script_name}/routes";
        routes.add("GET", script, Route.Access.ACCOUNT, Permission.WORKERS_ROUTES_READ).doc("listWorkerScriptRoutes",
                "A Worker's routes in every zone").to(c -> Envelope.success(scriptRoutes(c.param("script_name"))));
        routes.add("PUT", script, Route.Access.ACCOUNT, Permission.WORKERS_ROUTES_WRITE).doc("putWorkerScriptRoutes",
                "Make these a Worker's routes, in every zone: [{pattern, zone_name or zone_id}]").body("WorkerScriptRoutes")
                .to(c -> putScriptRoutes(c.request(), c.param("script_name"), c.token()));
        return routes.list();
    }

    /** A script's routes in every zone, each with its zone. */
    private ArrayNode scriptRoutes(String script) {
        ArrayNode out = F.arrayNode();
        for (StoredZoneContents z : store.zoneContents()) {
            z.workerRoutes().stream().filter(r -> r.script().equals(script)).forEach(r -> out.add(json(r)
                    .put("zone_id", z.zone().id()).put("zone_name", z.zone().name())));
        }
        return out;
    }

    /**
     * Cloudflare's {@code PUT .../scripts/{script_name}/routes}: the script's routes become exactly these,
     * in one transaction: a route it has keeps its id, one it no longer has goes, and a pattern another
     * script has is refused (10020), nothing written. Each route's zone is its {@code zone_id}, its
     * {@code zone_name}, or the zone its host lies in.
     */
    private ApiResponse putScriptRoutes(ApiRequest r, String script, StoredToken token) {
        JsonNode body = RequestJson.any(r);
        if (!body.isArray()) {
            throw invalid("body: " + (body.isObject() ? "an object" : body.toString()) + " (expected: an array of {pattern, zone_name})");
        }
        List<StoredZoneContents> zones = store.zoneContents();
        java.util.Map<String, java.util.Set<String>> wanted = new java.util.LinkedHashMap<>();
        for (int i = 0; i < body.size(); i++) {
            JsonNode item = body.get(i);
            if (!item.isObject()) {
                throw invalid("routes[" + i + "]: " + item + " (expected: {pattern, zone_name})");
            }
            String pattern = text(item, "pattern", "a host and a path, e.g. chat.example.com/*");
            String problem = pattern == null ? null : FieldLimits.problem(pattern, FieldLimits.WORKER_ROUTE_PATTERN);
            if (problem != null) {
                throw invalid("routes[" + i + "].pattern: " + problem);
            }
            StoredZone zone = zoneOf(item, pattern, zones, i);
            try {
                wanted.computeIfAbsent(zone.id(), k -> new java.util.LinkedHashSet<>()).add(WorkerRoute.of(zone.name(), pattern, script)
                        .pattern());
            } catch (IllegalArgumentException e) {
                throw invalid("routes[" + i + "]: " + e.getMessage());
            }
        }
        String actor = Credentials.actor(token);
        store.inTransaction(s -> {
            for (StoredZoneContents z : zones) {
                java.util.Set<String> patterns = wanted.getOrDefault(z.zone().id(), java.util.Set.of());
                for (StoredWorkerRoute existing : z.workerRoutes()) {
                    if (patterns.contains(existing.pattern()) && !existing.script().equals(script)) {
                        throw new ApiException(409, new ApiError(DUPLICATE, "pattern: '" + existing.pattern() + "' is routed to "
                                + existing.script() + " (expected: a pattern no other Worker has; change that route first)"));
                    }
                    if (existing.script().equals(script) && !patterns.contains(existing.pattern())) {
                        s.deleteWorkerRoute(z.zone().id(), existing.id(), actor);
                    }
                }
                for (String pattern : patterns) {
                    if (z.workerRoutes().stream().noneMatch(e -> e.pattern().equals(pattern))) {
                        s.createWorkerRoute(z.zone().id(), pattern, script, actor);
                    }
                }
            }
            return null;
        });
        return Envelope.success(scriptRoutes(script));
    }

    /** A route's zone: by zone_id, by zone_name, or the most specific zone its host lies in. */
    private static StoredZone zoneOf(JsonNode item, String pattern, List<StoredZoneContents> zones, int i) {
        String id = text(item, "zone_id", "a zone's id");
        String name = text(item, "zone_name", "a zone's name");
        String host = pattern == null ? "" : pattern.replaceFirst("^https?://", "").replaceFirst("/.*$", "").replaceFirst("^\\*\\.?", "");
        StoredZone best = null;
        for (StoredZoneContents z : zones) {
            StoredZone zone = z.zone();
            boolean match = id != null ? zone.id().equals(id) : name != null ? zone.name().equals(name)
                    : host.equals(zone.name()) || host.endsWith("." + zone.name());
            if (match && (best == null || zone.name().length() > best.name().length())) {
                best = zone;
            }
        }
        if (best == null) {
            throw invalid("routes[" + i + "]: " + (id != null ? "zone_id '" + id + "'" : name != null ? "zone_name '" + name + "'"
                    : "pattern '" + pattern + "'") + " (expected: a zone of the account" + (id == null && name == null
                    ? ", by zone_name, zone_id or a host in it" : "") + ")");
        }
        return best;
    }

    private ApiResponse list(StoredZone zone) {
        ArrayNode routes = F.arrayNode();
        store.workerRoutes(zone.id()).forEach(r -> routes.add(json(r)));
        return Envelope.success(routes);
    }

    private ApiResponse create(ApiRequest r, StoredZone zone, StoredToken token) {
        WorkerRoute route = read(RequestJson.object(r), zone);
        return Envelope.success(json(unique(route, () -> store.createWorkerRoute(zone.id(), route.pattern(), route.script(),
                Credentials.actor(token)))));
    }

    private ApiResponse update(ApiRequest r, StoredZone zone, String id, StoredToken token) {
        find(zone, id);
        WorkerRoute route = read(RequestJson.object(r), zone);
        return Envelope.success(json(unique(route, () -> store.updateWorkerRoute(zone.id(), id, route.pattern(), route.script(),
                Credentials.actor(token)))));
    }

    private ApiResponse delete(StoredZone zone, String id, StoredToken token) {
        find(zone, id);
        store.deleteWorkerRoute(zone.id(), id, Credentials.actor(token));
        return Envelope.success(F.objectNode().put("id", id));
    }

    private StoredWorkerRoute find(StoredZone zone, String id) {
        return store.workerRoute(zone.id(), id).orElseThrow(() -> new ApiException(404, new ApiError(NOT_FOUND, "Route not found.")));
    }

    /** The write, or Cloudflare's duplicate route when another route of the zone has the pattern. */
    private static StoredWorkerRoute unique(WorkerRoute route, Supplier<StoredWorkerRoute> write) {
        try {
            return write.get();
        } catch (StoreException e) {
            if (e.kind() != StoreException.Kind.CONFLICT) {
                throw e;
            }
            throw new ApiException(409, new ApiError(DUPLICATE, "pattern: '" + route.pattern()
                    + "' has a route in this zone already (expected: a pattern once per zone; change that route with PUT)"));
        }
    }

    /** A body's pattern and script, checked as the configuration file checks a route. */
    private static WorkerRoute read(JsonNode body, StoredZone zone) {
        String pattern = text(body, "pattern", "a host and a path, e.g. " + zone.name() + "/*");
        String script = text(body, "script", "the name of a Worker, e.g. chat");
        String problem = pattern == null ? null : FieldLimits.problem(pattern, FieldLimits.WORKER_ROUTE_PATTERN);
        if (problem != null) {
            throw invalid("pattern: " + problem);
        }
        try {
            return WorkerRoute.of(zone.name(), pattern, script);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /** A field's text, or null when the body has none; anything else but a string is refused. */
    private static String text(JsonNode body, String field, String expected) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field + ": " + v + " (expected: " + expected + ")");
        }
        return v.textValue();
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, new ApiError(INVALID, message));
    }

    private static ObjectNode json(StoredWorkerRoute r) {
        return F.objectNode().put("id", r.id()).put("pattern", r.pattern()).put("script", r.script());
    }
}
