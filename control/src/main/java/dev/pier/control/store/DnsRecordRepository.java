package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Ids.newId;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;
import static dev.pier.control.store.ZoneRepository.requireZone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Zones' DNS records ({@code dns_records}). */
final class DnsRecordRepository {

    private final Jdbc jdbc;

    DnsRecordRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    List<StoredDnsRecord> dnsRecords(String zoneId) {
        return jdbc.read(c -> all(c, "SELECT * FROM dns_records WHERE zone_id = ? ORDER BY name, record_type", DnsRecordRepository::dns,
                zoneId));
    }

    Optional<StoredDnsRecord> dnsRecord(String zoneId, String id) {
        return jdbc.read(c -> one(c, "SELECT * FROM dns_records WHERE zone_id = ? AND id = ?", DnsRecordRepository::dns, zoneId, id));
    }

    StoredDnsRecord createDnsRecord(String zoneId, String type, String name, String content, boolean proxied, int ttl, String actor) {
        return jdbc.write(c -> {
            requireZone(c, zoneId);
            Instant now = now();
            StoredDnsRecord r = new StoredDnsRecord(newId(), zoneId, type, name, content, proxied, ttl, now, now);
            update(c, "INSERT INTO dns_records (id, zone_id, record_type, name, content, proxied, ttl, created_on, modified_on) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", r.id(), zoneId, type, name, content, proxied, ttl, ts(now), ts(now));
            record(c, actor, "create", "dns_record", r.id(), zoneId, null, r);
            return r;
        });
    }

    StoredDnsRecord updateDnsRecord(String zoneId, String id, String type, String name, String content, boolean proxied, int ttl,
                                    String actor) {
        return jdbc.write(c -> {
            StoredDnsRecord before = one(c, "SELECT * FROM dns_records WHERE zone_id = ? AND id = ?", DnsRecordRepository::dns, zoneId, id)
                    .orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "DNS record " + id + " does not exist"));
            Instant now = now();
            StoredDnsRecord after = new StoredDnsRecord(id, zoneId, type, name, content, proxied, ttl, before.createdOn(), now);
            update(c, "UPDATE dns_records SET record_type = ?, name = ?, content = ?, proxied = ?, ttl = ?, modified_on = ? "
                    + "WHERE zone_id = ? AND id = ?", type, name, content, proxied, ttl, ts(now), zoneId, id);
            record(c, actor, "update", "dns_record", id, zoneId, before, after);
            return after;
        });
    }

    boolean deleteDnsRecord(String zoneId, String id, String actor) {
        return jdbc.write(c -> {
            Optional<StoredDnsRecord> before = one(c, "SELECT * FROM dns_records WHERE zone_id = ? AND id = ?", DnsRecordRepository::dns,
                    zoneId, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM dns_records WHERE id = ?", id);
            record(c, actor, "delete", "dns_record", id, zoneId, before.get(), null);
            return true;
        });
    }

    /** Every zone's records by zone id, each zone's by name and type. */
    Map<String, List<StoredDnsRecord>> byZone(Connection c) throws SQLException {
        return Jdbc.byZone(c, "SELECT * FROM dns_records ORDER BY zone_id, name, record_type", DnsRecordRepository::dns);
    }

    private static StoredDnsRecord dns(ResultSet rs) throws SQLException {
        return new StoredDnsRecord(rs.getString("id"), rs.getString("zone_id"), rs.getString("record_type"), rs.getString("name"),
                rs.getString("content"), rs.getBoolean("proxied"), rs.getInt("ttl"), instant(rs, "created_on"),
                instant(rs, "modified_on"));
    }
}
