package dev.pier.control.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The routes one {@code *Api} class serves, under one tag of the OpenAPI document, in the order
 * they are matched. Each is declared in one statement:
 * <pre>{@code
 * routes.add("GET", "/zones/{zone_id}/dns_records", Route.Access.ZONE, Permission.ZONE_READ)
 *         .doc("listDnsRecords", "List DNS records").query(TYPE, NAME, PAGE, PER_PAGE)
 *         .to(c -> list(c.request(), c.zone()));
 * }</pre>
 */
final class Routes {

    private final String tag;
    private final List<Route> routes = new ArrayList<>();

    Routes(String tag) {
        this.tag = tag;
    }

    /** A route to declare; it is added when its handler is given ({@link Builder#to}). */
    Builder add(String method, String template, Route.Access access, Permission permission) {
        return new Builder(method, template, access, permission);
    }

    List<Route> list() {
        return List.copyOf(routes);
    }

    final class Builder {

        private final String method;
        private final String template;
        private final Route.Access access;
        private final Permission permission;
        private String operationId;
        private String summary;
        private List<QueryParameter> query = List.of();
        private String requestBody;
        private boolean enveloped = true;
        private boolean takesBundle;

        private Builder(String method, String template, Route.Access access, Permission permission) {
            this.method = method;
            this.template = template;
            this.access = access;
            this.permission = permission;
        }

        /** The OpenAPI operation's id (what client generators name the call) and its one-line summary. */
        Builder doc(String id, String text) {
            this.operationId = id;
            this.summary = text;
            return this;
        }

        /** The query parameters the handler reads. */
        Builder query(QueryParameter... parameters) {
            this.query = List.of(parameters);
            return this;
        }

        /** The JSON body the handler reads, by the name of its schema among the document's components. */
        Builder body(String schema) {
            this.requestBody = schema;
            return this;
        }

        /** The answer is not Cloudflare's envelope. */
        Builder bare() {
            this.enveloped = false;
            return this;
        }

        /** The body is a Worker bundle (multipart, up to {@link ControlApi#MAX_SCRIPT_BUNDLE}). */
        Builder bundle() {
            this.takesBundle = true;
            return this;
        }

        void to(Route.Handler handler) {
            if (operationId == null) {
                throw new IllegalStateException(method + " " + template + ": every route is documented (doc)");
            }
            routes.add(new Route(method, template, access, permission,
                    new Route.Description(tag, operationId, summary, query, requestBody, enveloped), handler, takesBundle));
        }
    }
}
