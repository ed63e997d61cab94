package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.livelogs.LiveLogQuery;
import dev.pier.control.livelogs.LiveLogSession;
import dev.pier.control.livelogs.LiveLogSessions;
import dev.pier.control.store.StoredZone;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /zones/{id}/logpush/edge/jobs}: Cloudflare's Instant Logs. {@code POST} begins a live
 * log session for the zone ({@code fields}, {@code filter}, {@code sample}, {@code kind:
 * "instant-logs"}) and answers its {@code session_id} and the WebSocket address that streams it
 * ({@code destination_conf}); {@code GET} lists the zone's session. The address is this
 * listener's, as the request named it.
 */
final class LiveLogsApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Cloudflare's code for an Instant Logs job it will not create. */
    static final int NOT_ALLOWED = 1004;
    /** Where a session's WebSocket is served on the admin listener (Cloudflare's path below its own host). */
    public static final String SOCKET_PATH = "/instant-logs/ws/sessions/";

    private final Supplier<LiveLogSessions> sessions;

    LiveLogsApi(Supplier<LiveLogSessions> sessions) {
        this.sessions = sessions;
    }

    List<Route> routes() {
        Routes routes = new Routes("Instant Logs");
        String jobs = "/zones/{zone_id}/logpush/edge/jobs";
        routes.add("POST", jobs, Route.Access.ZONE, Permission.LOGS_READ)
                .doc("createInstantLogsJob", "Begin a live log session; its WebSocket streams the zone's records")
                .body("InstantLogsJob").to(c -> create(c.request(), c.zone()));
        routes.add("GET", jobs, Route.Access.ZONE, Permission.LOGS_READ)
                .doc("listInstantLogsJobs", "The zone's live log session").to(c -> list(c.request(), c.zone()));
        return routes.list();
    }

    private ApiResponse create(ApiRequest r, StoredZone zone) {
        LiveLogSessions live = running();
        JsonNode body = RequestJson.object(r);
        String kind = text(body, "kind");
        if (kind != null && !kind.equals("instant-logs")) {
            throw refused("kind: " + kind + " (expected: instant-logs)");
        }
        JsonNode sample = body.get("sample");
        if (sample != null && !sample.isNull() && !sample.canConvertToInt()) {
            throw refused("sample: " + sample + " (expected: a whole number, 1 for every record, 10 for one in ten)");
        }
        LiveLogQuery query;
        try {
            query = LiveLogQuery.of(text(body, "fields"), text(body, "filter"),
                    sample == null || sample.isNull() ? 1 : sample.asInt());
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        return Envelope.success(json(live.open(zone.id(), zone.name(), query), r));
    }

    private ApiResponse list(ApiRequest r, StoredZone zone) {
        ArrayNode out = F.arrayNode();
        running().sessions(zone.id()).forEach(s -> out.add(json(s, r)));
        return Envelope.success(out);
    }

    private LiveLogSessions running() {
        LiveLogSessions live = sessions.get();
        if (live == null) {
            throw new ApiException(503, new ApiError(NOT_ALLOWED, "live logs are not served by this process (expected: pier serve with a store)",
                    List.of()));
        }
        return live;
    }

    private static ObjectNode json(LiveLogSession s, ApiRequest r) {
        ObjectNode o = F.objectNode();
        o.put("session_id", s.id());
        o.put("destination_conf", address(r) + SOCKET_PATH + s.id());
        o.put("fields", s.query().fields());
        o.put("filter", s.query().filter());
        o.put("sample", s.query().sample());
        o.put("kind", "instant-logs");
        o.put("expires_at", s.expiresAt().toString());
        return o;
    }

    /**
     * The listener's WebSocket base address as this request reached it: its {@code Host}, and
     * {@code wss} when a TLS proxy in front says the request came over HTTPS.
     */
    private static String address(ApiRequest r) {
        String proto = r.header("x-forwarded-proto");
        String host = r.header("host");
        return ("https".equalsIgnoreCase(proto == null ? "" : proto.strip()) ? "wss://" : "ws://") + (host == null ? "localhost" : host);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw refused(field + ": " + v + " (expected: a string)");
        }
        return v.asText();
    }

    private static ApiException refused(String detail) {
        return new ApiException(400, new ApiError(NOT_ALLOWED, "creating a new instant logs job is not allowed: " + detail, List.of()));
    }
}
