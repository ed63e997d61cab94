package dev.pier.control.livelogs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * What a node tells the others about one of its sessions: that it lives (with what the others
 * need to select and relay its records: zone, fields, filter, sample, lifetime) or that it has
 * ended. It names the session by its relay key, never by its id: the id is the credential
 * that lets a WebSocket listen, and stays on the session's node.
 */
record SessionAnnouncement(boolean live, String relayKey, String zoneId, String zoneName, String fields, String filter, int sample,
        Instant createdAt, Instant expiresAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static SessionAnnouncement live(LiveLogSession s) {
        LiveLogQuery q = s.query();
        return new SessionAnnouncement(true, s.relayKey(), s.zoneId(), s.zoneName(), q.fieldNames(), q.filter(), q.sample(), s.createdAt(),
                s.expiresAt());
    }

    static SessionAnnouncement ended(LiveLogSession s) {
        return new SessionAnnouncement(false, s.relayKey(), s.zoneId(), s.zoneName(), "", "", 1, s.createdAt(), s.expiresAt());
    }

    String json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("live", live);
        o.put("key", relayKey);
        o.put("zone_id", zoneId);
        o.put("zone", zoneName);
        o.put("fields", fields);
        o.put("filter", filter);
        o.put("sample", sample);
        o.put("created", createdAt.toString());
        o.put("expires", expiresAt.toString());
        return o.toString();
    }

    /**
     * @throws IllegalArgumentException when the text is no announcement
     */
    static SessionAnnouncement parse(String text) {
        try {
            JsonNode o = JSON.readTree(text);
            return new SessionAnnouncement(o.path("live").asBoolean(), required(o, "key"), required(o, "zone_id"), required(o, "zone"),
                    o.path("fields").asText(""), o.path("filter").asText(""), o.path("sample").asInt(1),
                    Instant.parse(required(o, "created")), Instant.parse(required(o, "expires")));
        } catch (Exception e) {
            throw new IllegalArgumentException("live log session announcement: " + text
                    + " (expected: {\"live\":…,\"key\":…,\"zone_id\":…,\"zone\":…,\"created\":…,\"expires\":…}): " + e.getMessage(), e);
        }
    }

    private static String required(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return v.asText();
    }

    /** Whether this session began after {@code other} (ties go to the greater key, the same on every node). */
    static boolean newer(Instant created, String key, Instant otherCreated, String otherKey) {
        int c = created.compareTo(otherCreated);
        return c != 0 ? c > 0 : key.compareTo(otherKey) > 0;
    }
}
