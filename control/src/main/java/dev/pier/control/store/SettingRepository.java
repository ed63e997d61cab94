package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;
import static dev.pier.control.store.ZoneRepository.requireZone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The settings zones changed from their defaults ({@code zone_settings}), as JSON values by id. */
final class SettingRepository {

    private final Jdbc jdbc;

    SettingRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Map<String, StoredSetting> settings(String zoneId) {
        return jdbc.read(c -> {
            Map<String, StoredSetting> out = new LinkedHashMap<>();
            for (StoredSetting s : all(c, "SELECT * FROM zone_settings WHERE zone_id = ? ORDER BY setting", SettingRepository::setting,
                    zoneId)) {
                out.put(s.id(), s);
            }
            return out;
        });
    }

    List<StoredSetting> putSettings(String zoneId, Map<String, String> jsonValues, String actor) {
        return jdbc.write(c -> {
            requireZone(c, zoneId);
            Instant now = now();
            List<StoredSetting> out = new ArrayList<>();
            for (Map.Entry<String, String> e : jsonValues.entrySet()) {
                Optional<StoredSetting> before = one(c, "SELECT * FROM zone_settings WHERE zone_id = ? AND setting = ?",
                        SettingRepository::setting, zoneId, e.getKey());
                if (e.getValue() == null) {
                    // back to its default
                    if (before.isPresent()) {
                        update(c, "DELETE FROM zone_settings WHERE zone_id = ? AND setting = ?", zoneId, e.getKey());
                        record(c, actor, "delete", "setting", e.getKey(), zoneId, before.get(), null);
                    }
                    continue;
                }
                if (before.isPresent()) {
                    update(c, "UPDATE zone_settings SET setting_value = ?, modified_on = ? WHERE zone_id = ? AND setting = ?",
                            e.getValue(), ts(now), zoneId, e.getKey());
                } else {
                    update(c, "INSERT INTO zone_settings (zone_id, setting, setting_value, modified_on) VALUES (?, ?, ?, ?)",
                            zoneId, e.getKey(), e.getValue(), ts(now));
                }
                StoredSetting after = new StoredSetting(e.getKey(), e.getValue(), now);
                record(c, actor, "update", "setting", e.getKey(), zoneId, before.orElse(null), after);
                out.add(after);
            }
            return out;
        });
    }

    /** Every zone's settings by zone id, each zone's by setting id. */
    Map<String, List<StoredSetting>> byZone(Connection c) throws SQLException {
        return Jdbc.byZone(c, "SELECT * FROM zone_settings ORDER BY zone_id, setting", SettingRepository::setting);
    }

    private static StoredSetting setting(ResultSet rs) throws SQLException {
        return new StoredSetting(rs.getString("setting"), rs.getString("setting_value"), instant(rs, "modified_on"));
    }
}
