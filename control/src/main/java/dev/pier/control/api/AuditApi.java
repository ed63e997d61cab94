package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.AuditEntry;
import dev.pier.control.store.Json;
import dev.pier.control.store.Page;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /accounts/{account_id}/audit_logs}: every change, newest first, in the shape of Cloudflare's
 * audit logs; {@code ?id=} gives one entry. A page holds at most {@link #PAGE_VALUE_BYTES} of
 * old and new values: an entry past that budget keeps its place on the page (so paging by
 * number still sees every entry once) with its values left out and
 * {@code metadata.values_omitted: true}; {@code ?id=} gives it whole.
 */
final class AuditApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Cloudflare's default page size and largest. */
    static final int PER_PAGE = 100;
    static final int MAX_PER_PAGE = 1000;
    /** The old and new values one page may carry, in characters of stored JSON. */
    static final int PAGE_VALUE_BYTES = 1 << 20;

    private static final QueryParameter ZONE_ID = QueryParameter.text("zone_id", "One zone's changes");
    private static final QueryParameter ID = QueryParameter.number("id",
            "One entry, whole (a page leaves out the values past its 1 MiB budget)", null, 1, Integer.MAX_VALUE);
    private static final QueryParameter PER_PAGE_PARAMETER = QueryParameter.perPage(PER_PAGE, 1, MAX_PER_PAGE);

    private final Store store;

    AuditApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Audit logs");
        routes.add("GET", "/accounts/{account_id}/audit_logs", Route.Access.ZONES, Permission.ZONE_READ)
                .doc("listAuditLogs", "Every change, newest first").query(ZONE_ID, ID, QueryParameter.PAGE, PER_PAGE_PARAMETER)
                .to(c -> list(c.request(), c.token()));
        return routes.list();
    }

    /** A scoped token reads the history of its zones only, and names no other zone in the filter. */
    private ApiResponse list(ApiRequest r, StoredToken token) {
        String zone = r.param(ZONE_ID.name());
        if (zone != null) {
            Authorization.inScope(zone, token); // not necessarily there: a deleted zone's history stays readable
        }
        int page = QueryParameter.PAGE.read(r);
        int perPage = PER_PAGE_PARAMETER.read(r);
        // one zone's changes; or every change, but a token scoped to zones sees theirs only
        Set<String> zones = zone == null ? token.zoneIds() : Set.of(zone);
        if (r.param(ID.name()) != null) {
            long seq = ID.read(r);
            List<AuditEntry> one = store.auditEntry(seq, zones, hiddenFrom(token)).stream().toList();
            return Envelope.page(new Page<>(one, 1, perPage, one.size()), e -> json(e, true));
        }
        int[] budget = {PAGE_VALUE_BYTES};
        return Envelope.page(store.audit(zones, hiddenFrom(token), page, perPage), e -> {
            int size = length(e.before()) + length(e.after());
            boolean fits = size <= budget[0];
            if (fits) {
                budget[0] -= size;
            }
            return json(e, fits);
        });
    }

    private static int length(String json) {
        return json == null ? 0 : json.length();
    }

    /**
     * The entries a token may not read, by resource type: what it could not read through the
     * API either. Tokens are the administrators' business; certificates need SSL read, settings
     * Zone Settings read, lists Account Filter Lists read, Worker routes Workers Routes read, Workers scripts Workers Scripts read. Zones, records and rulesets need the Zone
     * Read that reading the audit log needs at all.
     */
    private static Set<String> hiddenFrom(StoredToken token) {
        Set<String> hidden = new HashSet<>();
        if (!Authorization.isAdministrator(token)) {
            hidden.add("api_token");
        }
        if (!Permission.SSL_READ.grantedBy(token.permissions())) {
            hidden.add("certificate");
        }
        if (!Permission.ZONE_SETTINGS_READ.grantedBy(token.permissions())) {
            hidden.add("setting");
        }
        if (!Permission.LISTS_READ.grantedBy(token.permissions())) {
            hidden.add("list");
        }
        if (!Permission.WORKERS_ROUTES_READ.grantedBy(token.permissions())) {
            hidden.add("worker_route");
        }
        if (!Permission.WORKERS_SCRIPTS_READ.grantedBy(token.permissions())) {
            hidden.add("worker_script");
        }
        return hidden;
    }

    private static JsonNode json(AuditEntry e, boolean withValues) {
        ObjectNode o = F.objectNode().put("id", Long.toString(e.seq())).put("when", e.at().toString());
        o.putObject("action").put("type", e.action()).put("result", true);
        o.putObject("actor").put("id", e.actor()).put("type", e.actor().startsWith("token:") ? "token" : "system");
        o.putObject("resource").put("id", e.resourceId()).put("type", e.resourceType());
        if (e.zoneId() != null || !withValues) {
            ObjectNode metadata = o.putObject("metadata");
            if (e.zoneId() != null) {
                metadata.put("zone_id", e.zoneId());
            }
            if (!withValues) {
                metadata.put("values_omitted", true); // the page's budget was spent: ?id= gives them
            }
        }
        o.set("oldValue", e.before() == null || !withValues ? F.nullNode() : Json.stored(e.before()));
        o.set("newValue", e.after() == null || !withValues ? F.nullNode() : Json.stored(e.after()));
        return o;
    }

}
