package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pier.control.store.Store;
import dev.pier.rules.Expression;
import dev.pier.rules.RuleException;
import dev.pier.waf.WafScheme;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code POST /zones/{id}/filters/validate-expr}: Cloudflare's check of a Rules language
 * expression. It parses and compiles the expression as deploying it would, lists and all, so
 * what passes here deploys.
 */
final class FiltersApi {

    private final Store store;

    FiltersApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Filters");
        routes.add("POST", "/zones/{zone_id}/filters/validate-expr", Route.Access.ZONE, Permission.ZONE_READ)
                .doc("validateExpression", "Check a Rules language expression as deploying it would").body("Expression")
                .to(c -> validate(RequestJson.object(c.request())));
        return routes.list();
    }

    private ApiResponse validate(JsonNode body) {
        JsonNode expression = body.get("expression");
        if (expression == null || !expression.isTextual()) {
            throw ApiException.badRequest(20021, "expected {\"expression\": \"…\"}");
        }
        Expression parsed;
        try {
            parsed = Expression.parse(WafScheme.SCHEME, expression.asText());
        } catch (RuleException e) {
            throw ApiException.badRequest(20021, "filter parsing error: " + e.getMessage());
        }
        if (!parsed.lists().isEmpty()) {
            Set<String> known = store.listNames();
            for (String list : new TreeSet<>(parsed.lists())) {
                if (!known.contains(list)) {
                    throw ApiException.badRequest(20021, "filter parsing error: $" + list + " is not a list");
                }
            }
        }
        return Envelope.success(JsonNodeFactory.instance.nullNode());
    }
}
