package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.LiveWebSockets;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code POST /graphql}: Cloudflare's GraphQL Analytics API ({@link AnalyticsGraphql}), for a
 * token with Analytics Read. A token scoped to zones reads those zones only. The answer is
 * GraphQL's own shape, not the v4 envelope: a query that fails still answers 200 with
 * {@code errors}, as Cloudflare's does.
 */
final class GraphqlApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AnalyticsGraphql graphql;
    private final Supplier<AnalyticsStore> analytics;

    GraphqlApi(Store store, Supplier<AnalyticsStore> analytics, Supplier<LiveWebSockets> live) {
        this.graphql = new AnalyticsGraphql(store, new LiveWebSocketsNode(live));
        this.analytics = analytics;
    }

    List<Route> routes() {
        Routes routes = new Routes("GraphQL Analytics");
        routes.add("POST", "/graphql", Route.Access.ZONES, Permission.ANALYTICS_READ)
                .doc("graphql", "Cloudflare's GraphQL Analytics API: requests, bandwidth and threats per zone").bare()
                .to(c -> answer(c.request().body(), c.token()));
        return routes.list();
    }

    private ApiResponse answer(byte[] body, StoredToken token) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return new ApiResponse(200, AnalyticsGraphql.error("request body: not JSON (expected: {\"query\": ..., \"variables\": {...}})"));
        }
        if (request == null || !request.path("query").isTextual()) {
            return new ApiResponse(200, AnalyticsGraphql.error("request body: no query (expected: {\"query\": ..., \"variables\": {...}})"));
        }
        JsonNode variables = request.path("variables");
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = variables.isObject() ? JSON.convertValue(variables, Map.class) : Map.of();
        String operation = request.path("operationName").isTextual() ? request.path("operationName").asText() : null;
        return new ApiResponse(200, graphql.execute(request.path("query").asText(), operation, vars, token, analytics.get()));
    }
}
