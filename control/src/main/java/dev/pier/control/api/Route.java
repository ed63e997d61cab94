package dev.pier.control.api;

import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operation of the API: its method, its path template exactly as the OpenAPI document
 * writes it, who may call it, and what answers it. {@link ControlApi} checks the caller
 * against {@link #access()} and {@link #permission()} before the handler runs, so no handler
 * sees a request its route does not allow, and a refused request's body is never read.
 */
final class Route {

    /** Who may call a route, beyond holding its permission. */
    enum Access {
        /** Anyone, without credentials. */
        PUBLIC,
        /** Any valid token, whatever it holds. */
        ANY_TOKEN,
        /** A token with every permission on every zone. */
        ADMINISTRATOR,
        /**
         * A token with the permission and no zone scope: the account's own resources (its lists, a new
         * zone). A scoped token's resources are its zones and nothing else, whatever permissions it holds.
         */
        ACCOUNT,
        /** A token with the permission, whatever its scope: a listing that shows a scoped token its zones' entries only. */
        ZONES,
        /** A token with the permission whose scope includes the path's {@code {zone_id}}. */
        ZONE
    }

    /** A route's answer to a request it allows. */
    @FunctionalInterface
    interface Handler {
        ApiResponse handle(Call call);
    }

    /** A request on its route: the path's parameters by name, and its zone for a {@link Access#ZONE} route. */
    record Call(ApiRequest request, StoredToken token, Map<String, String> params, StoredZone zone) {

        String param(String name) {
            return params.get(name);
        }
    }

    /** What each path parameter matches; {@code account_id} is Pier's one account. */
    private static final Map<String, String> PARAMETERS = Map.of(
            "account_id", ControlApi.ACCOUNT,
            "setting_id", "[a-z0-9_]+",
            "ruleset_phase", "[a-z_]+",
            "rule_id", "[0-9a-zA-Z_-]+");
    private static final String ID = "[0-9a-f]{32}";
    private static final Pattern PARAMETER = Pattern.compile("\\{([a-z_]+)\\}");

    private final String method;
    private final String template;
    private final Access access;
    private final Permission permission;
    private final Handler handler;
    private final Pattern pattern;
    private final List<String> names;

    Route(String method, String template, Access access, Permission permission, Handler handler) {
        if ((permission == null) != (access == Access.PUBLIC || access == Access.ANY_TOKEN || access == Access.ADMINISTRATOR)) {
            throw new IllegalArgumentException(method + " " + template + ": only " + access + " routes go without a permission");
        }
        this.method = method;
        this.template = template;
        this.access = access;
        this.permission = permission;
        this.handler = handler;
        this.names = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAMETER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            String name = m.group(1);
            names.add(name);
            regex.append('(').append(PARAMETERS.getOrDefault(name, ID)).append(')');
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        this.pattern = Pattern.compile(regex.toString());
        if (access == Access.ZONE && !names.contains("zone_id")) {
            throw new IllegalArgumentException(method + " " + template + ": a zone route names {zone_id}");
        }
    }

    String method() {
        return method;
    }

    /** The path as the OpenAPI document writes it, e.g. {@code /zones/{zone_id}/dns_records}. */
    String template() {
        return template;
    }

    Access access() {
        return access;
    }

    /** The permission a caller needs, or null for the routes whose {@link Access} says all. */
    Permission permission() {
        return permission;
    }

    Handler handler() {
        return handler;
    }

    /** The path's parameters by name when this route's template matches it, else null. */
    Map<String, String> match(String path) {
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            params.put(names.get(i), m.group(i + 1));
        }
        return params;
    }

    @Override
    public String toString() {
        return method + " " + template;
    }
}
