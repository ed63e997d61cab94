package dev.pier.control.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code /user/tokens}: any token verifies itself; an administrator lists tokens (never their
 * secrets or hashes) and revokes them. Tokens are issued by {@code pier token}, not over the API.
 */
final class TokensApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Store store;

    TokensApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("API tokens");
        routes.add("GET", "/user/tokens/verify", Route.Access.ANY_TOKEN, null)
                .doc("verifyToken", "Verify the token in the Authorization header").to(c -> verify(c.token()));
        routes.add("GET", "/user/tokens", Route.Access.ADMINISTRATOR, null)
                .doc("listTokens", "List API tokens; never their secrets").to(c -> list());
        routes.add("DELETE", "/user/tokens/{token_id}", Route.Access.ADMINISTRATOR, null)
                .doc("revokeToken", "Revoke (delete) an API token").to(c -> revoke(c.param("token_id"), c.token()));
        return routes.list();
    }

    private ApiResponse verify(StoredToken token) {
        ObjectNode result = F.objectNode().put("id", token.id()).put("status", token.status());
        return Envelope.success(200, result, null, List.of(new ApiError(10000, "This API Token is valid and active")));
    }

    private ApiResponse list() {
        ArrayNode result = F.arrayNode();
        for (StoredToken t : store.tokens()) {
            result.add(json(t));
        }
        return Envelope.success(result);
    }

    private ApiResponse revoke(String id, StoredToken token) {
        if (!store.deleteToken(id, Credentials.actor(token))) {
            throw new ApiException(404, new ApiError(1003, "Token " + id + " does not exist"));
        }
        return Envelope.success(F.objectNode().put("id", id));
    }

    /** A token as Cloudflare lists them, without its secret or hash. */
    private static ObjectNode json(StoredToken t) {
        ObjectNode o = F.objectNode().put("id", t.id()).put("name", t.name()).put("status", t.status())
                .put("issued_on", t.issuedOn().toString());
        ArrayNode permissions = o.putArray("permissions");
        new TreeSet<>(t.permissions()).forEach(permissions::add);
        ArrayNode zones = o.putArray("zones");
        new TreeSet<>(t.zoneIds()).forEach(zones::add);
        return o;
    }
}
