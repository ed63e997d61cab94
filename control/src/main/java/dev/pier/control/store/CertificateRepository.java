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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Zones' edge certificates ({@code zone_certificates}), their private keys encrypted at rest:
 * encrypted as they are stored, decrypted as they are read, and all brought under the current
 * key when the store opens.
 */
final class CertificateRepository {

    /** The store's log, where operators look for what became of their keys. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcStore.class);

    private final Jdbc jdbc;
    private final PrivateKeyCipher cipher;
    /** True for the embedded H2 store, whose file keeps what was replaced in its free space until it is compacted. */
    private final boolean embedded;
    /** Unencrypted keys were replaced while another process had the H2 file open: it is compacted when this store closes. */
    private volatile boolean compactOnClose;

    private CertificateRepository(Jdbc jdbc, PrivateKeyCipher cipher, boolean embedded) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.embedded = embedded;
    }

    /**
     * The certificates of a migrated store, whose private keys are then all readable with
     * {@code keys} and encrypted with its current key where it has one ({@link #encryptAtRest}).
     *
     * @throws StoreException UNAVAILABLE when the store holds keys that {@code keys} cannot read
     */
    static CertificateRepository open(Jdbc jdbc, StoreKeys keys, boolean embedded) {
        boolean holdsEncryptedKeys = jdbc.read(c -> all(c, "SELECT COUNT(*) FROM zone_certificates WHERE private_key LIKE ?",
                rs -> rs.getInt(1), PrivateKeyCipher.PREFIX + "%").get(0)) > 0;
        CertificateRepository certificates = new CertificateRepository(jdbc, new PrivateKeyCipher(keys.ready(holdsEncryptedKeys)), embedded);
        certificates.encryptAtRest();
        return certificates;
    }

    List<StoredCertificate> certificates(String zoneId) {
        return jdbc.read(c -> all(c, "SELECT * FROM zone_certificates WHERE zone_id = ? ORDER BY uploaded_on, id", this::certificate,
                zoneId));
    }

    Optional<StoredCertificate> certificate(String zoneId, String id) {
        return jdbc.read(c -> one(c, "SELECT * FROM zone_certificates WHERE zone_id = ? AND id = ?", this::certificate, zoneId, id));
    }

    StoredCertificate createCertificate(String zoneId, String certificatePem, String privateKeyPem, String actor) {
        return jdbc.write(c -> {
            requireZone(c, zoneId);
            Instant now = now();
            StoredCertificate cert = new StoredCertificate(newId(), zoneId, certificatePem, privateKeyPem, now, now);
            update(c, "INSERT INTO zone_certificates (id, zone_id, certificate, private_key, uploaded_on, modified_on) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", cert.id(), zoneId, certificatePem, cipher.encrypt(privateKeyPem, cert.id()), ts(now), ts(now));
            record(c, actor, "create", "certificate", cert.id(), zoneId, null, cert.audited());
            return cert;
        });
    }

    StoredCertificate replaceCertificate(String zoneId, String id, String certificatePem, String privateKeyPem, String actor) {
        return jdbc.write(c -> {
            StoredCertificate before = one(c, "SELECT * FROM zone_certificates WHERE zone_id = ? AND id = ?", this::certificate,
                    zoneId, id).orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "certificate " + id + " does not exist"));
            Instant now = now();
            StoredCertificate after = new StoredCertificate(id, zoneId, certificatePem, privateKeyPem, before.uploadedOn(), now);
            update(c, "UPDATE zone_certificates SET certificate = ?, private_key = ?, modified_on = ? WHERE zone_id = ? AND id = ?",
                    certificatePem, cipher.encrypt(privateKeyPem, id), ts(now), zoneId, id);
            record(c, actor, "update", "certificate", id, zoneId, before.audited(), after.audited());
            return after;
        });
    }

    boolean deleteCertificate(String zoneId, String id, String actor) {
        return jdbc.write(c -> {
            Optional<StoredCertificate> before = one(c, "SELECT * FROM zone_certificates WHERE zone_id = ? AND id = ?",
                    this::certificate, zoneId, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM zone_certificates WHERE id = ?", id);
            record(c, actor, "delete", "certificate", id, zoneId, before.get().audited(), null);
            return true;
        });
    }

    /** Every zone's certificates by zone id, each zone's oldest first. */
    Map<String, List<StoredCertificate>> byZone(Connection c) throws SQLException {
        return Jdbc.byZone(c, "SELECT * FROM zone_certificates ORDER BY zone_id, uploaded_on, id", this::certificate);
    }

    private StoredCertificate certificate(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        return new StoredCertificate(id, rs.getString("zone_id"), rs.getString("certificate"),
                cipher.decrypt(rs.getString("private_key"), id), instant(rs, "uploaded_on"), instant(rs, "modified_on"));
    }

    /**
     * Run as the store opens: checks that every stored private key decrypts with this node's
     * keys, so a missing or wrong key is one clear error now rather than one on every read, and
     * encrypts with the current key every one that is not yet: keys stored before encryption,
     * and keys under an older key (a rotation). A row another node changed meanwhile is left
     * to that node ({@code WHERE private_key = old}).
     */
    private void encryptAtRest() {
        List<String[]> rows = jdbc.read(c -> all(c, "SELECT id, private_key FROM zone_certificates ORDER BY id",
                rs -> new String[] {rs.getString(1), rs.getString(2)}));
        Set<String> unknown = new TreeSet<>();
        List<String> unknownCertificates = new ArrayList<>();
        for (String[] row : rows) {
            if (PrivateKeyCipher.isEncrypted(row[1]) && cipher.keys().byId(PrivateKeyCipher.keyId(row[1])).isEmpty()) {
                unknown.add(PrivateKeyCipher.keyId(row[1]));
                unknownCertificates.add(row[0]);
            }
        }
        if (!unknown.isEmpty()) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "store: the private keys of " + unknownCertificates.size()
                    + " of its " + rows.size() + " certificates (" + unknownCertificates.get(0) + (unknownCertificates.size() > 1 ? ", …" : "")
                    + ") are encrypted with key " + String.join(", ", unknown) + ", which is not among this node's keys ("
                    + PrivateKeyCipher.describe(cipher.keys()) + "); give it the key file that holds "
                    + (unknown.size() > 1 ? "them" : "it") + " (docs/OPERATIONS.md, \"The store's key\")");
        }
        List<String[]> stale = new ArrayList<>();
        int plain = 0;
        for (String[] row : rows) {
            cipher.decrypt(row[1], row[0]); // a value altered or moved between rows fails here, at start
            if (!cipher.isCurrent(row[1])) {
                stale.add(row);
                plain += PrivateKeyCipher.isEncrypted(row[1]) ? 0 : 1;
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        if (!cipher.keys().configured()) {
            LOG.warn("store: {} private keys are stored unencrypted, and this node has no key to encrypt them ({}); set {} or {}"
                    + " (docs/OPERATIONS.md)", plain, cipher.keys().source(), StoreKeys.KEY_FILE_VARIABLE, StoreKeys.KEY_VARIABLE);
            return;
        }
        int encrypted = jdbc.write(c -> {
            int n = 0;
            for (String[] row : stale) {
                try (PreparedStatement q = c.prepareStatement("UPDATE zone_certificates SET private_key = ? WHERE id = ? AND private_key = ?")) {
                    bind(q, cipher.encrypt(cipher.decrypt(row[1], row[0]), row[0]), row[0], row[1]);
                    n += q.executeUpdate();
                }
            }
            return n;
        });
        LOG.info("store: encrypted {} private keys with key {} ({} had been stored unencrypted, the others under an older key)", encrypted,
                cipher.keys().current().id(), plain);
        if (embedded && plain > 0 && !compactFile()) {
            compactOnClose = true;
            LOG.warn("store: another process has the store open, so its file still holds the unencrypted keys in its free space;"
                    + " they are removed when this process closes the store");
        }
    }

    /** As the store closes: removes the unencrypted keys {@link #encryptAtRest} left in the embedded file's free space, if it can. */
    void compactIfPending() {
        if (compactOnClose && !compactFile()) {
            LOG.warn("store: another process has the store open, so its file still holds unencrypted keys in its free space until H2"
                    + " reuses it (docs/OPERATIONS.md, \"The store's key\")");
        }
    }

    /** Rewrites the embedded store's file so that replaced keys are gone from it ({@link Jdbc#compactEmbeddedFile}); true if it was. */
    private boolean compactFile() {
        try {
            if (!jdbc.compactEmbeddedFile()) {
                return false;
            }
        } catch (SQLException e) {
            LOG.warn("store: could not compact its file ({}); the unencrypted keys stay in its free space until H2 reuses it", e.getMessage());
            return false;
        }
        LOG.info("store: compacted its file: the unencrypted keys are gone from it");
        return true;
    }
}
