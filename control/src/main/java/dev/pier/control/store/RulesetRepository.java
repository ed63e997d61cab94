package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.bind;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Ids.newId;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;
import static dev.pier.control.store.ZoneRepository.requireZone;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Zones' entry point rulesets ({@code rulesets}), one a phase, versioned so that a
 * read-modify-write cannot lose a concurrent one.
 */
final class RulesetRepository {

    private final Jdbc jdbc;

    RulesetRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Optional<StoredRuleset> ruleset(String zoneId, String phase) {
        return jdbc.read(c -> one(c, "SELECT * FROM rulesets WHERE zone_id = ? AND phase = ?", RulesetRepository::ruleset, zoneId, phase));
    }

    List<StoredRuleset> rulesets(String zoneId) {
        return jdbc.read(c -> all(c, "SELECT * FROM rulesets WHERE zone_id = ? ORDER BY phase", RulesetRepository::ruleset, zoneId));
    }

    StoredRuleset putRuleset(String zoneId, String phase, String json, String actor) {
        return jdbc.write(c -> {
            requireZone(c, zoneId);
            Optional<StoredRuleset> before = one(c, "SELECT * FROM rulesets WHERE zone_id = ? AND phase = ?", RulesetRepository::ruleset,
                    zoneId, phase);
            Instant now = now();
            StoredRuleset after;
            if (before.isPresent()) {
                after = new StoredRuleset(before.get().id(), zoneId, phase, json, before.get().version() + 1, now);
                update(c, "UPDATE rulesets SET body = ?, version = ?, modified_on = ? WHERE id = ?", json, after.version(), ts(now),
                        after.id());
            } else {
                after = new StoredRuleset(newId(), zoneId, phase, json, 1, now);
                update(c, "INSERT INTO rulesets (id, zone_id, phase, body, version, modified_on) VALUES (?, ?, ?, ?, ?, ?)",
                        after.id(), zoneId, phase, json, 1, ts(now));
            }
            // the ruleset whole once, when created; an update keeps what changed
            record(c, actor, before.isPresent() ? "update" : "create", "ruleset", after.id(), zoneId,
                    before.map(RulesetAudit::reference).orElse(null),
                    before.isPresent() ? RulesetAudit.changes(before.get(), after) : RulesetAudit.whole(after));
            return after;
        });
    }

    StoredRuleset replaceRuleset(String zoneId, String phase, String json, int expectedVersion, String actor) {
        return jdbc.write(c -> {
            StoredRuleset before = one(c, "SELECT * FROM rulesets WHERE zone_id = ? AND phase = ?", RulesetRepository::ruleset, zoneId,
                    phase).orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "ruleset " + phase + " does not exist"));
            Instant now = now();
            StoredRuleset after = new StoredRuleset(before.id(), zoneId, phase, json, expectedVersion + 1, now);
            try (PreparedStatement q = c.prepareStatement("UPDATE rulesets SET body = ?, version = ?, modified_on = ? WHERE id = ? AND version = ?")) {
                bind(q, json, after.version(), ts(now), before.id(), expectedVersion);
                if (q.executeUpdate() != 1) {
                    throw new StoreException(StoreException.Kind.CONFLICT, "ruleset " + before.id() + " changed meanwhile");
                }
            }
            record(c, actor, "update", "ruleset", after.id(), zoneId, RulesetAudit.reference(before), RulesetAudit.changes(before, after));
            return after;
        });
    }

    boolean deleteRuleset(String zoneId, String phase, String actor) {
        return jdbc.write(c -> {
            Optional<StoredRuleset> before = one(c, "SELECT * FROM rulesets WHERE zone_id = ? AND phase = ?", RulesetRepository::ruleset,
                    zoneId, phase);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM rulesets WHERE id = ?", before.get().id());
            record(c, actor, "delete", "ruleset", before.get().id(), zoneId, RulesetAudit.whole(before.get()), null);
            return true;
        });
    }

    /** Every zone's rulesets by zone id, each zone's by phase. */
    Map<String, List<StoredRuleset>> byZone(Connection c) throws SQLException {
        return Jdbc.byZone(c, "SELECT * FROM rulesets ORDER BY zone_id, phase", RulesetRepository::ruleset);
    }

    private static StoredRuleset ruleset(ResultSet rs) throws SQLException {
        return new StoredRuleset(rs.getString("id"), rs.getString("zone_id"), rs.getString("phase"), rs.getString("body"),
                rs.getInt("version"), instant(rs, "modified_on"));
    }
}
