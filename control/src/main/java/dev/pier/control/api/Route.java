package dev.pier.control.api;

import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.util.List;
import java.util.Map;

/**
 * One operation of the API: its method, its path template, who may call it, the permission it
 * needs, what the OpenAPI document says of it, and what answers it. Each {@code *Api} class
 * declares its own ({@link Routes}); {@link ControlApi} wraps every handler in the decorators
 * that check the caller against {@link #access()} and {@link #permission()} before it runs, so
 * no handler sees a request its route does not allow, and a refused request's body is never read.
 */
final class Route {

    /** Who may call a route, beyond holding its permission; {@link #rule} is how the OpenAPI document says it. */
    enum Access {
        /** Anyone, without credentials. */
        PUBLIC("Anyone, without credentials."),
        /** Any valid token, whatever it holds. */
        ANY_TOKEN("Any valid token, whatever it holds."),
        /** A token with every permission on every zone. */
        ADMINISTRATOR("An administrator: a token with every permission on every zone."),
        /**
         * A token with the permission and no zone scope: the account's own resources (its lists, a new
         * zone). A scoped token's resources are its zones and nothing else, whatever permissions it holds.
         */
        ACCOUNT("A token with %s and no zone scope: an account resource, out of reach of a token scoped to zones."),
        /** A token with the permission, whatever its scope: a listing that shows a scoped token its zones' entries only. */
        ZONES("A token with %s, whatever its scope; a token scoped to zones sees their entries only."),
        /** A token with the permission whose scope includes the path's {@code {zone_id}}. */
        ZONE("A token with %s whose scope includes the zone.");

        private final String rule;

        Access(String rule) {
            this.rule = rule;
        }

        /** Who may call, in a sentence naming Cloudflare's permission group. */
        String rule(Permission permission) {
            return permission == null ? rule : rule.formatted(permission.label());
        }

        boolean needsPermission() {
            return this == ACCOUNT || this == ZONES || this == ZONE;
        }
    }

    /** A route's answer to a request it allows. */
    @FunctionalInterface
    interface Handler {
        ApiResponse handle(Call call);
    }

    /**
     * A request on its route: the path's parameters by name, its token once authenticated, and
     * its zone once authorized on a {@link Access#ZONE} route.
     */
    record Call(ApiRequest request, StoredToken token, Map<String, String> params, StoredZone zone) {

        String param(String name) {
            return params.get(name);
        }

        Call withToken(StoredToken authenticated) {
            return new Call(request, authenticated, params, zone);
        }

        Call withZone(StoredZone authorized) {
            return new Call(request, token, params, authorized);
        }
    }

    /**
     * What the OpenAPI document says of a route beyond its method, path and access.
     *
     * @param requestBody the name of the body's schema among the document's components, or null for no body
     * @param enveloped   whether the answer is Cloudflare's envelope (every route's but the document's own)
     */
    record Description(String tag, String operationId, String summary, List<QueryParameter> query, String requestBody,
            boolean enveloped) {
    }

    private final String method;
    private final PathTemplate path;
    private final Access access;
    private final Permission permission;
    private final Description description;
    private final Handler handler;
    private final boolean takesBundle;

    /**
     * @param takesBundle the body is a Worker bundle: it may be up to {@link ControlApi#MAX_SCRIPT_BUNDLE}
     *                    for a caller the route allows (any other body is the admin listener's 64 KiB at most)
     */
    Route(String method, String template, Access access, Permission permission, Description description, Handler handler,
          boolean takesBundle) {
        if ((permission == null) == access.needsPermission()) {
            throw new IllegalArgumentException(method + " " + template + ": only PUBLIC, ANY_TOKEN and ADMINISTRATOR routes, and all"
                    + " of them, go without a permission (" + access + ", " + permission + ")");
        }
        this.method = method;
        this.path = new PathTemplate(template);
        this.access = access;
        this.permission = permission;
        this.description = description;
        this.handler = handler;
        this.takesBundle = takesBundle;
        if (access == Access.ZONE && !path.names("zone_id")) {
            throw new IllegalArgumentException(method + " " + template + ": a zone route names {zone_id}");
        }
    }

    String method() {
        return method;
    }

    /** The path as the OpenAPI document writes it, e.g. {@code /zones/{zone_id}/dns_records}, with its parameters. */
    PathTemplate path() {
        return path;
    }

    Access access() {
        return access;
    }

    /** The permission a caller needs, or null for the routes whose {@link Access} says all. */
    Permission permission() {
        return permission;
    }

    Description description() {
        return description;
    }

    Handler handler() {
        return handler;
    }

    /** Whether the body is a Worker bundle, up to {@link ControlApi#MAX_SCRIPT_BUNDLE} for a caller the route allows. */
    boolean takesBundle() {
        return takesBundle;
    }

    /** The path's parameters by name when this route's template matches it, else null. */
    Map<String, String> match(String path) {
        return this.path.match(path);
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
