package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Ids.newId;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** API tokens ({@code api_tokens}): the hash of each one's secret, never the secret, with its permissions and zones. */
final class TokenRepository {

    /** A zone's id, as {@link Jdbc#newId} makes them: 32 hex characters. */

    private final Jdbc jdbc;

    TokenRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    StoredToken createToken(String name, String secretHash, Set<String> permissions, Set<String> zoneIds, String actor) {
        // an empty set means every zone: a blank or malformed id must never be stored as one (""
        // joins to the same empty column an unscoped token has)
        for (String zoneId : zoneIds) {
            if (!Ids.isId(zoneId)) {
                throw new IllegalArgumentException("zone: '" + zoneId + "' (expected: the id of a zone, 32 hex characters)");
            }
        }
        return jdbc.write(c -> {
            StoredToken t = new StoredToken(newId(), name, secretHash, permissions, zoneIds, "active", now());
            update(c, "INSERT INTO api_tokens (id, name, secret_hash, permissions, zone_ids, status, issued_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    t.id(), name, secretHash, String.join(",", new TreeSet<>(permissions)), String.join(",", new TreeSet<>(zoneIds)),
                    t.status(), ts(t.issuedOn()));
            // the audit log names the token, never its hash
            record(c, actor, "create", "api_token", t.id(), null, null, Map.of("id", t.id(), "name", name,
                    "permissions", new TreeSet<>(permissions), "zones", new TreeSet<>(zoneIds)));
            return t;
        });
    }

    Optional<StoredToken> tokenByHash(String secretHash) {
        return jdbc.read(c -> one(c, "SELECT * FROM api_tokens WHERE secret_hash = ?", TokenRepository::token, secretHash));
    }

    List<StoredToken> tokens() {
        return jdbc.read(c -> all(c, "SELECT * FROM api_tokens ORDER BY issued_on, id", TokenRepository::token));
    }

    boolean deleteToken(String id, String actor) {
        return jdbc.write(c -> {
            Optional<StoredToken> before = one(c, "SELECT * FROM api_tokens WHERE id = ?", TokenRepository::token, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM api_tokens WHERE id = ?", id);
            StoredToken t = before.get();
            record(c, actor, "delete", "api_token", id, null, Map.of("id", id, "name", t.name(),
                    "permissions", new TreeSet<>(t.permissions()), "zones", new TreeSet<>(t.zoneIds())), null);
            return true;
        });
    }

    private static StoredToken token(ResultSet rs) throws SQLException {
        return new StoredToken(rs.getString("id"), rs.getString("name"), rs.getString("secret_hash"), split(rs.getString("permissions")),
                split(rs.getString("zone_ids")), rs.getString("status"), instant(rs, "issued_on"));
    }

    private static Set<String> split(String csv) {
        // split(",", -1) keeps empty parts: a column like "," reads as a scope no zone matches,
        // never as the empty set that means every zone
        return csv.isEmpty() ? Set.of() : Set.copyOf(new LinkedHashSet<>(Arrays.asList(csv.split(",", -1))));
    }
}
