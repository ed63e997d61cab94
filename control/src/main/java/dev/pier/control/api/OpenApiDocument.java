package dev.pier.control.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * The OpenAPI 3.1 document of what the API serves, made from its routes: every path and
 * operation comes from a {@link Route} (its parameters from the path template and the
 * {@link QueryParameter}s its handler reads, its body's schema by name, who may call it from its
 * {@link Route.Access} and {@link Permission}), so the document cannot list a route that is not
 * served or miss one that is. The parts no route owns (info, security schemes, the envelope and
 * the bodies' schemas) are in {@code openapi-components.json}.
 */
final class OpenApiDocument {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String COMPONENTS = "openapi-components.json";

    private OpenApiDocument() {
    }

    static String json(List<Route> routes) {
        ObjectNode base = base();
        ObjectNode doc = F.objectNode().put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info").setAll((ObjectNode) base.get("info"));
        info.put("description", info.path("description").asText() + " The account id is always " + ControlApi.ACCOUNT_ID + ".");
        doc.set("servers", base.get("servers"));
        ArrayNode tags = doc.putArray("tags");
        routes.stream().map(r -> r.description().tag()).distinct().forEach(tag -> tags.addObject().put("name", tag));
        doc.set("security", base.get("security"));
        ObjectNode paths = doc.putObject("paths");
        for (Route route : routes) {
            String template = route.path().toString();
            ObjectNode item = paths.has(template) ? (ObjectNode) paths.get(template) : paths.putObject(template);
            item.set(route.method().toLowerCase(Locale.ROOT), operation(route));
        }
        doc.set("components", base.get("components"));
        return doc.toString();
    }

    private static ObjectNode operation(Route route) {
        Route.Description d = route.description();
        ObjectNode op = F.objectNode();
        op.putArray("tags").add(d.tag());
        op.put("operationId", d.operationId()).put("summary", d.summary())
                .put("description", route.access().rule(route.permission()));
        op.put("x-pier-access", route.access().name());
        if (route.permission() != null) {
            op.put("x-pier-permission", route.permission().label());
        }
        ArrayNode parameters = op.putArray("parameters");
        for (PathTemplate.Parameter p : route.path().parameters()) {
            parameters.addObject().put("name", p.name()).put("in", "path").put("required", true).put("description", p.description())
                    .putObject("schema").put("type", "string").put("pattern", "^" + p.pattern() + "$");
        }
        for (QueryParameter q : d.query()) {
            ObjectNode schema = parameters.addObject().put("name", q.name()).put("in", "query").put("required", false)
                    .put("description", q.description()).putObject("schema");
            if (q.integer()) {
                schema.put("type", "integer").put("minimum", q.min()).put("maximum", q.max());
                if (q.defaultValue() != null) {
                    schema.put("default", q.defaultValue());
                }
            } else {
                schema.put("type", "string");
            }
        }
        if (d.requestBody() != null) {
            op.putObject("requestBody").put("required", true).putObject("content").putObject("application/json")
                    .putObject("schema").put("$ref", "#/components/schemas/" + d.requestBody());
        }
        ObjectNode responses = op.putObject("responses");
        if (d.enveloped()) {
            responses.putObject("200").put("$ref", "#/components/responses/Success");
            responses.putObject("4XX").put("$ref", "#/components/responses/Refused");
            responses.putObject("5XX").put("$ref", "#/components/responses/Failed");
        } else {
            responses.putObject("200").put("description", "Success").putObject("content").putObject("application/json")
                    .putObject("schema").put("type", "object");
        }
        if (route.access() == Route.Access.PUBLIC) {
            op.putArray("security");
        }
        return op;
    }

    private static ObjectNode base() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(COMPONENTS)) {
            if (in == null) {
                throw new IllegalStateException("the API's " + COMPONENTS + " is missing from the classpath");
            }
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("the API's " + COMPONENTS + " cannot be read", e);
        }
    }
}
