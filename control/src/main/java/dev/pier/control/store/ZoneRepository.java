package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Ids.newId;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Zones ({@code zones}), and every zone with what it holds, read in a query per table. */
final class ZoneRepository {

    private final Jdbc jdbc;

    ZoneRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Page<StoredZone> zones(String name, int page, int perPage) {
        return jdbc.read(c -> {
            String where = name == null ? "" : " WHERE name = ?";
            int total;
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM zones" + where)) {
                if (name != null) {
                    count.setString(1, name);
                }
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    total = rs.getInt(1);
                }
            }
            List<StoredZone> items = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT * FROM zones" + where + " ORDER BY name LIMIT ? OFFSET ?")) {
                int i = 1;
                if (name != null) {
                    q.setString(i++, name);
                }
                q.setInt(i++, perPage);
                q.setInt(i, (page - 1) * perPage);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        items.add(zone(rs));
                    }
                }
            }
            return new Page<>(items, page, perPage, total);
        });
    }

    Optional<StoredZone> zone(String id) {
        return jdbc.read(c -> one(c, "SELECT * FROM zones WHERE id = ?", ZoneRepository::zone, id));
    }

    StoredZone createZone(String name, String actor) {
        return jdbc.write(c -> {
            if (one(c, "SELECT * FROM zones WHERE name = ?", ZoneRepository::zone, name).isPresent()) {
                throw new StoreException(StoreException.Kind.CONFLICT, "zone " + name + " already exists");
            }
            Instant now = now();
            StoredZone zone = new StoredZone(newId(), name, "active", now, now);
            update(c, "INSERT INTO zones (id, name, status, created_on, modified_on) VALUES (?, ?, ?, ?, ?)",
                    zone.id(), zone.name(), zone.status(), ts(now), ts(now));
            record(c, actor, "create", "zone", zone.id(), zone.id(), null, zone);
            return zone;
        });
    }

    boolean deleteZone(String id, String actor) {
        return jdbc.write(c -> {
            Optional<StoredZone> zone = one(c, "SELECT * FROM zones WHERE id = ?", ZoneRepository::zone, id);
            if (zone.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM zones WHERE id = ?", id);
            record(c, actor, "delete", "zone", id, id, zone.get(), null);
            return true;
        });
    }

    /**
     * Every zone with its settings, DNS records, certificates, rulesets and Worker routes, ordered by name: a
     * query per table, each repository's, in one read.
     */
    List<StoredZoneContents> contents(SettingRepository settingsOf, DnsRecordRepository recordsOf, CertificateRepository certificatesOf,
                                      RulesetRepository rulesetsOf, WorkerRouteRepository routesOf) {
        return jdbc.read(c -> {
            Map<String, List<StoredSetting>> settings = settingsOf.byZone(c);
            Map<String, List<StoredDnsRecord>> records = recordsOf.byZone(c);
            Map<String, List<StoredCertificate>> certificates = certificatesOf.byZone(c);
            Map<String, List<StoredRuleset>> rulesets = rulesetsOf.byZone(c);
            Map<String, List<StoredWorkerRoute>> routes = routesOf.byZone(c);
            List<StoredZoneContents> out = new ArrayList<>();
            for (StoredZone zone : all(c, "SELECT * FROM zones ORDER BY name", ZoneRepository::zone)) {
                Map<String, StoredSetting> byId = new LinkedHashMap<>();
                settings.getOrDefault(zone.id(), List.of()).forEach(setting -> byId.put(setting.id(), setting));
                out.add(new StoredZoneContents(zone, byId, records.getOrDefault(zone.id(), List.of()),
                        certificates.getOrDefault(zone.id(), List.of()), rulesets.getOrDefault(zone.id(), List.of()),
                        routes.getOrDefault(zone.id(), List.of())));
            }
            return out;
        });
    }

    /** @throws StoreException NOT_FOUND when there is no zone {@code zoneId} */
    static void requireZone(Connection c, String zoneId) throws SQLException {
        if (one(c, "SELECT * FROM zones WHERE id = ?", ZoneRepository::zone, zoneId).isEmpty()) {
            throw new StoreException(StoreException.Kind.NOT_FOUND, "zone " + zoneId + " does not exist");
        }
    }

    private static StoredZone zone(ResultSet rs) throws SQLException {
        return new StoredZone(rs.getString("id"), rs.getString("name"), rs.getString("status"),
                instant(rs, "created_on"), instant(rs, "modified_on"));
    }
}
