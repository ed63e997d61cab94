package dev.pier.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.AuditEntry;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import java.util.HashSet;
import java.util.Set;

/** {@code GET /accounts/pier/audit_logs}: every change, newest first, in the shape of Cloudflare's audit logs. */
final class AuditApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;

    AuditApi(Store store) {
        this.store = store;
    }

    ApiResponse list(ApiRequest r, StoredToken token) {
        int page = ControlApi.intParam(r, "page", 1, 1, 100_000);
        int perPage = ControlApi.intParam(r, "per_page", 100, 1, 1000);
        String zone = r.param("zone_id"); // checked against the token's scope by ControlApi
        // one zone's changes; or every change, but a token scoped to zones sees theirs only
        Set<String> zones = zone == null ? token.zoneIds() : Set.of(zone);
        return Envelope.page(store.audit(zones, hiddenFrom(token), page, perPage), AuditApi::json);
    }

    /**
     * The entries a token may not read, by resource type: what it could not read through the
     * API either. Tokens are the administrators' business; certificates need SSL read, settings
     * Zone Settings read, lists Account Filter Lists read. Zones, records and rulesets need the Zone
     * Read that reading the audit log needs at all.
     */
    private static Set<String> hiddenFrom(StoredToken token) {
        Set<String> hidden = new HashSet<>();
        if (!ControlApi.isAdministrator(token)) {
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
        return hidden;
    }

    private static JsonNode json(AuditEntry e) {
        ObjectNode o = F.objectNode().put("id", Long.toString(e.seq())).put("when", e.at().toString());
        o.putObject("action").put("type", e.action()).put("result", true);
        o.putObject("actor").put("id", e.actor()).put("type", e.actor().startsWith("token:") ? "token" : "system");
        o.putObject("resource").put("id", e.resourceId()).put("type", e.resourceType());
        if (e.zoneId() != null) {
            o.putObject("metadata").put("zone_id", e.zoneId());
        }
        o.set("oldValue", e.before() == null ? F.nullNode() : parse(e.before()));
        o.set("newValue", e.after() == null ? F.nullNode() : parse(e.after()));
        return o;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit entry is not JSON: " + json, e);
        }
    }
}
