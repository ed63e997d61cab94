package dev.pier.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import java.util.List;

/** {@code GET /accounts/pier/audit_logs}: every change, newest first, in the shape of Cloudflare's audit logs. */
final class AuditApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;

    AuditApi(Store store) {
        this.store = store;
    }

    ApiResponse list(ApiRequest r, StoredToken token) {
        int perPage = ControlApi.intParam(r, "per_page", 100, 1, 1000);
        String zone = r.param("zone_id");
        ArrayNode out = F.arrayNode();
        for (var e : store.audit(zone, perPage)) {
            if (!token.zoneIds().isEmpty() && (e.zoneId() == null || !token.zoneIds().contains(e.zoneId()))) {
                continue; // a token scoped to zones sees their changes only
            }
            ObjectNode o = out.addObject().put("id", Long.toString(e.seq())).put("when", e.at().toString());
            o.putObject("action").put("type", e.action()).put("result", true);
            o.putObject("actor").put("id", e.actor()).put("type", e.actor().startsWith("token:") ? "token" : "system");
            o.putObject("resource").put("id", e.resourceId()).put("type", e.resourceType());
            if (e.zoneId() != null) {
                o.putObject("metadata").put("zone_id", e.zoneId());
            }
            o.set("oldValue", e.before() == null ? F.nullNode() : parse(e.before()));
            o.set("newValue", e.after() == null ? F.nullNode() : parse(e.after()));
        }
        ObjectNode info = F.objectNode().put("page", 1).put("per_page", perPage).put("count", out.size());
        return Envelope.success(200, out, info, List.of());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit entry is not JSON: " + json, e);
        }
    }
}
