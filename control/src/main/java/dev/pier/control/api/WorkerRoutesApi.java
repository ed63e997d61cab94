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
        return routes.list();
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
