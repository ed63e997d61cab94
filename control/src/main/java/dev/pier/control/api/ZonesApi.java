package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Page;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code /zones}: list, create, read and delete zones in Cloudflare's shape. A token scoped to
 * some zones lists those only; creating a zone is an account's act, out of a scoped token's reach.
 */
final class ZonesApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern ZONE_NAME = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final QueryParameter NAME = QueryParameter.text("name", "An exact zone name");

    private final Store store;

    ZonesApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Zones");
        routes.add("GET", "/zones", Route.Access.ZONES, Permission.ZONE_READ).doc("listZones", "List zones")
                .query(NAME, QueryParameter.PAGE, QueryParameter.PER_PAGE).to(c -> list(c.request(), c.token()));
        routes.add("POST", "/zones", Route.Access.ACCOUNT, Permission.ZONE_WRITE).doc("createZone", "Create a zone")
                .body("ZoneCreate").to(c -> create(c.request(), c.token()));
        routes.add("GET", "/zones/{zone_id}", Route.Access.ZONE, Permission.ZONE_READ).doc("getZone", "Zone details")
                .to(c -> Envelope.success(json(c.zone())));
        routes.add("DELETE", "/zones/{zone_id}", Route.Access.ZONE, Permission.ZONE_WRITE)
                .doc("deleteZone", "Delete a zone with its settings, records, certificates and rulesets")
                .to(c -> delete(c.zone(), c.token()));
        return routes.list();
    }

    private ApiResponse list(ApiRequest r, StoredToken token) {
        int page = QueryParameter.PAGE.read(r);
        int perPage = QueryParameter.PER_PAGE.read(r);
        Page<StoredZone> zones;
        if (token.zoneIds().isEmpty()) {
            zones = store.zones(r.param(NAME.name()), page, perPage);
        } else {
            // a token scoped to some zones sees those only
            List<StoredZone> mine = store.zones(r.param(NAME.name()), 1, Integer.MAX_VALUE / 2).items().stream()
                    .filter(z -> token.zoneIds().contains(z.id())).toList();
            zones = Page.slice(mine, page, perPage);
        }
        return Envelope.page(zones, ZonesApi::json);
    }

    private ApiResponse create(ApiRequest r, StoredToken token) {
        JsonNode name = RequestJson.object(r).get("name");
        String n = name == null ? null : name.asText().toLowerCase(Locale.ROOT);
        if (n == null || n.length() > FieldLimits.HOST_NAME || !ZONE_NAME.matcher(n).matches()
                || !n.contains(".") && !n.equals("localhost")) {
            throw ApiException.badRequest(1097, "Invalid zone name: "
                    + (n == null ? "missing (expected: {\"name\": \"example.com\"})" : n));
        }
        return Envelope.success(200, json(store.createZone(n, Credentials.actor(token))), null, List.of());
    }

    private ApiResponse delete(StoredZone zone, StoredToken token) {
        store.deleteZone(zone.id(), Credentials.actor(token));
        return Envelope.success(200, F.objectNode().put("id", zone.id()), null, List.of());
    }

    private static ObjectNode json(StoredZone z) {
        ObjectNode o = F.objectNode().put("id", z.id()).put("name", z.name()).put("status", z.status()).put("paused", false)
                .put("type", "full").put("development_mode", 0);
        o.putArray("name_servers");
        o.put("created_on", z.createdOn().toString()).put("modified_on", z.modifiedOn().toString())
                .put("activated_on", z.createdOn().toString());
        o.putObject("account").put("id", ControlApi.ACCOUNT_ID).put("name", "Pier");
        return o;
    }
}
