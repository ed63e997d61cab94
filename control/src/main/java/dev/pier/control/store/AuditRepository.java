package dev.pier.control.store;

import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The audit log ({@code audit_log}): every repository's writes {@link #record} their entry in
 * their own transaction; readers page through it newest first, filtered by zone and type.
 */
final class AuditRepository {

    /** The audit log's actor column: an actor names a token, whose name may have been longer before names were limited. */
    private static final int ACTOR_COLUMN = 200;

    private final Jdbc jdbc;

    AuditRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Page<AuditEntry> audit(Set<String> zoneIds, Set<String> hiddenTypes, int page, int perPage) {
        List<Object> filter = new ArrayList<>();
        String where = auditFilter(zoneIds, hiddenTypes, filter);
        List<Object> args = new ArrayList<>(filter);
        args.add(perPage);
        args.add((long) (page - 1) * perPage);
        return jdbc.read(c -> new Page<>(all(c, "SELECT * FROM audit_log" + where + " ORDER BY seq DESC LIMIT ? OFFSET ?",
                AuditRepository::entry, args.toArray()), page, perPage,
                all(c, "SELECT COUNT(*) FROM audit_log" + where, rs -> rs.getInt(1), filter.toArray()).get(0)));
    }

    Optional<AuditEntry> auditEntry(long seq, Set<String> zoneIds, Set<String> hiddenTypes) {
        List<Object> args = new ArrayList<>();
        String where = auditFilter(zoneIds, hiddenTypes, args);
        args.add(seq);
        String sql = "SELECT * FROM audit_log" + (where.isEmpty() ? " WHERE" : where + " AND") + " seq = ?";
        return jdbc.read(c -> one(c, sql, AuditRepository::entry, args.toArray()));
    }

    /** The WHERE clause (or "") of the audit log's filters; their parameters are added to {@code args}. */
    private static String auditFilter(Set<String> zoneIds, Set<String> hiddenTypes, List<Object> filter) {
        List<String> conditions = new ArrayList<>();
        if (!zoneIds.isEmpty()) {
            conditions.add("zone_id IN (" + String.join(", ", Collections.nCopies(zoneIds.size(), "?")) + ")");
            filter.addAll(zoneIds);
        }
        if (!hiddenTypes.isEmpty()) {
            conditions.add("resource_type NOT IN (" + String.join(", ", Collections.nCopies(hiddenTypes.size(), "?")) + ")");
            filter.addAll(hiddenTypes);
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Adds a write's entry to the audit log, on the write's connection: in its transaction. */
    static void record(Connection c, String actor, String action, String type, String id, String zoneId, Object before,
                       Object after) throws SQLException {
        update(c, "INSERT INTO audit_log (changed_at, actor, action, resource_type, resource_id, zone_id, before_value, after_value) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ts(now()), fitted(actor, ACTOR_COLUMN), action, type, id, zoneId, json(before), json(after));
    }

    private static String fitted(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), instant(rs, "changed_at"), rs.getString("actor"), rs.getString("action"),
                rs.getString("resource_type"), rs.getString("resource_id"), rs.getString("zone_id"), rs.getString("before_value"),
                rs.getString("after_value"));
    }

    private static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit: " + value.getClass().getSimpleName() + " cannot be written as JSON", e);
        }
    }
}
