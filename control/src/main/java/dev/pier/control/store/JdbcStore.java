package dev.pier.control.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/**
 * The store on a JDBC database: an embedded H2 file by default, PostgreSQL for several edge
 * nodes. Portable SQL only, so one migration and one implementation serve both; the contract
 * tests run against each.
 */
public final class JdbcStore implements Store {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcStore.class);

    private final HikariDataSource pool;
    /** Encrypts private keys as they are stored, decrypts them as they are read. */
    private final PrivateKeyCipher cipher;
    /** Where and as whom to open a listening connection; null for the embedded store, which has no NOTIFY. */
    private final String postgresUrl;
    private final String user;
    private final String password;
    /** True for the embedded H2 store, whose file keeps what was replaced in its free space until it is compacted. */
    private final boolean embedded;
    /** Unencrypted keys were replaced while another process had the H2 file open: it is compacted when this store closes. */
    private volatile boolean compactOnClose;
    /** The transaction {@link #inTransaction} opened on this thread, if any. */
    private final ThreadLocal<Transaction> transaction = new ThreadLocal<>();

    /** An open {@link #inTransaction}: its connection, and the first write that failed in it. */
    private static final class Transaction {
        final Connection connection;
        RuntimeException failed;

        Transaction(Connection connection) {
            this.connection = connection;
        }
    }

    private JdbcStore(HikariDataSource pool, String url, String user, String password, StoreKeys keys) {
        this.pool = pool;
        this.postgresUrl = url.startsWith("jdbc:postgresql:") ? url : null;
        this.user = user;
        this.password = password;
        this.embedded = url.startsWith("jdbc:h2:");
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        this.cipher = new PrivateKeyCipher(keys.ready(holdsEncryptedKeys()));
        encryptAtRest();
    }

    /**
     * The embedded store: an H2 database in {@code dataDir}, created on first use, durable across
     * restarts. Several processes can have it open at once (H2's automatic mixed mode,
     * {@code AUTO_SERVER}): the first opens the file and serves it to the others over a loopback
     * port whose address and random key it writes into the lock file beside the database; when
     * that process exits, the others reconnect and one of them opens the file. That is what lets
     * a new {@code pier serve} or {@code pier demo} open the store while the one it takes over
     * from still runs, and {@code pier token} run beside a running demo.
     */
    public static JdbcStore embedded(Path dataDir, StoreKeys keys) {
        // The server H2 starts for the others listens on every interface unless told otherwise;
        // nothing but this machine's processes may reach it. Read once, when H2 is first used.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        // private before H2 makes its files in it (with the umask's modes), and their modes set once it has
        PrivateDirectory.secure(dataDir);
        JdbcStore store = open("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("pier-store") + ";AUTO_SERVER=TRUE", null, null, keys);
        PrivateDirectory.secureNewFiles(dataDir);
        return store;
    }

    /**
     * The embedded store with its own key: the one in {@code dataDir/store.key}, made there on
     * first use ({@link StoreKeys#generatedIn}).
     */
    public static JdbcStore embedded(Path dataDir) {
        PrivateDirectory.secure(dataDir);
        return embedded(dataDir, StoreKeys.generatedIn(dataDir.resolve(StoreKeys.FOLDER_KEY_FILE)));
    }

    /**
     * A PostgreSQL store, e.g. {@code jdbc:postgresql://127.0.0.1:5432/test}, whose private keys
     * are encrypted with {@code keys} ({@link StoreKeys#none()}: it takes none).
     *
     * @throws StoreException UNAVAILABLE when the database cannot be reached or migrated, or holds
     *                        private keys these keys cannot read
     */
    public static JdbcStore postgres(String jdbcUrl, String user, String password, StoreKeys keys) {
        return open(jdbcUrl, user, password, keys);
    }

    private static JdbcStore open(String url, String user, String password, StoreKeys keys) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("pier-store");
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(5_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "store: cannot open " + redacted(url) + " (" + rootMessage(e) + ")", e);
        }
        try {
            return new JdbcStore(pool, url, user, password, keys);
        } catch (StoreException e) {
            pool.close();
            throw e;
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "store: cannot migrate " + redacted(url) + " (" + rootMessage(e) + ")", e);
        }
    }

    /** A JDBC URL without its password, for messages: a secret never reaches a log. */
    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("(//)[^/@]*:[^/@]*@", "$1***@");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** A new Cloudflare-style id: 32 hex characters. */
    private static final Pattern ZONE_ID = Pattern.compile("[0-9a-f]{32}");

    static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Timestamps are kept to the microsecond: what both databases store exactly. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    // ---------------------------------------------------------------- zones

    @Override
    public Page<StoredZone> zones(String name, int page, int perPage) {
        return read(c -> {
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

    @Override
    public Optional<StoredZone> zone(String id) {
        return read(c -> one(c, "SELECT * FROM zones WHERE id = ?", JdbcStore::zone, id));
    }

    @Override
    public StoredZone createZone(String name, String actor) {
        return write(c -> {
            if (one(c, "SELECT * FROM zones WHERE name = ?", JdbcStore::zone, name).isPresent()) {
                throw new StoreException(StoreException.Kind.CONFLICT, "zone " + name + " already exists");
            }
            Instant now = now();
            StoredZone zone = new StoredZone(newId(), name, "active", now, now);
            update(c, "INSERT INTO zones (id, name, status, created_on, modified_on) VALUES (?, ?, ?, ?, ?)",
                    zone.id(), zone.name(), zone.status(), ts(now), ts(now));
            audit(c, actor, "create", "zone", zone.id(), zone.id(), null, zone);
            return zone;
        });
    }

    @Override
    public boolean deleteZone(String id, String actor) {
        return write(c -> {
            Optional<StoredZone> zone = one(c, "SELECT * FROM zones WHERE id = ?", JdbcStore::zone, id);
            if (zone.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM zones WHERE id = ?", id);
            audit(c, actor, "delete", "zone", id, id, zone.get(), null);
            return true;
        });
    }

    private static StoredZone zone(ResultSet rs) throws SQLException {
        return new StoredZone(rs.getString("id"), rs.getString("name"), rs.getString("status"),
                instant(rs, "created_on"), instant(rs, "modified_on"));
    }

    private static void requireZone(Connection c, String zoneId) throws SQLException {
        if (one(c, "SELECT * FROM zones WHERE id = ?", JdbcStore::zone, zoneId).isEmpty()) {
            throw new StoreException(StoreException.Kind.NOT_FOUND, "zone " + zoneId + " does not exist");
        }
    }

    @Override
    public List<StoredZoneContents> zoneContents() {
        return read(c -> {
            Map<String, List<StoredSetting>> settings = byZone(c, "SELECT * FROM zone_settings ORDER BY zone_id, setting", JdbcStore::setting);
            Map<String, List<StoredDnsRecord>> records = byZone(c, "SELECT * FROM dns_records ORDER BY zone_id, name, record_type", JdbcStore::dns);
            Map<String, List<StoredCertificate>> certificates = byZone(c,
                    "SELECT * FROM zone_certificates ORDER BY zone_id, uploaded_on, id", this::certificate);
            Map<String, List<StoredRuleset>> rulesets = byZone(c, "SELECT * FROM rulesets ORDER BY zone_id, phase", JdbcStore::ruleset);
            List<StoredZoneContents> out = new ArrayList<>();
            for (StoredZone zone : all(c, "SELECT * FROM zones ORDER BY name", JdbcStore::zone)) {
                Map<String, StoredSetting> byId = new LinkedHashMap<>();
                settings.getOrDefault(zone.id(), List.of()).forEach(setting -> byId.put(setting.id(), setting));
                out.add(new StoredZoneContents(zone, byId, records.getOrDefault(zone.id(), List.of()),
                        certificates.getOrDefault(zone.id(), List.of()), rulesets.getOrDefault(zone.id(), List.of())));
            }
            return out;
        });
    }

    /** Every row of a query over a table with a {@code zone_id}, grouped by it, in the query's order. */
    private static <T> Map<String, List<T>> byZone(Connection c, String sql, Row<T> row) throws SQLException {
        Map<String, List<T>> out = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString("zone_id"), zone -> new ArrayList<>()).add(row.map(rs));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- settings

    @Override
    public Map<String, StoredSetting> settings(String zoneId) {
        return read(c -> {
            Map<String, StoredSetting> out = new LinkedHashMap<>();
            for (StoredSetting s : all(c, "SELECT * FROM zone_settings WHERE zone_id = ? ORDER BY setting", JdbcStore::setting, zoneId)) {
                out.put(s.id(), s);
            }
            return out;
        });
    }

    @Override
    public List<StoredSetting> putSettings(String zoneId, Map<String, String> jsonValues, String actor) {
        return write(c -> {
            requireZone(c, zoneId);
            Instant now = now();
            List<StoredSetting> out = new ArrayList<>();
            for (Map.Entry<String, String> e : jsonValues.entrySet()) {
                Optional<StoredSetting> before = one(c, "SELECT * FROM zone_settings WHERE zone_id = ? AND setting = ?",
                        JdbcStore::setting, zoneId, e.getKey());
                if (e.getValue() == null) {
                    // back to its default
                    if (before.isPresent()) {
                        update(c, "DELETE FROM zone_settings WHERE zone_id = ? AND setting = ?", zoneId, e.getKey());
                        audit(c, actor, "delete", "setting", e.getKey(), zoneId, before.get(), null);
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
                audit(c, actor, "update", "setting", e.getKey(), zoneId, before.orElse(null), after);
                out.add(after);
            }
            return out;
        });
    }

    private static StoredSetting setting(ResultSet rs) throws SQLException {
        return new StoredSetting(rs.getString("setting"), rs.getString("setting_value"), instant(rs, "modified_on"));
    }

    // ---------------------------------------------------------------- DNS records

    @Override
    public List<StoredDnsRecord> dnsRecords(String zoneId) {
        return read(c -> all(c, "SELECT * FROM dns_records WHERE zone_id = ? ORDER BY name, record_type", JdbcStore::dns, zoneId));
    }

    @Override
    public Optional<StoredDnsRecord> dnsRecord(String zoneId, String id) {
        return read(c -> one(c, "SELECT * FROM dns_records WHERE zone_id = ? AND id = ?", JdbcStore::dns, zoneId, id));
    }

    @Override
    public StoredDnsRecord createDnsRecord(String zoneId, String type, String name, String content, boolean proxied, int ttl,
                                           String actor) {
        return write(c -> {
            requireZone(c, zoneId);
            Instant now = now();
            StoredDnsRecord r = new StoredDnsRecord(newId(), zoneId, type, name, content, proxied, ttl, now, now);
            update(c, "INSERT INTO dns_records (id, zone_id, record_type, name, content, proxied, ttl, created_on, modified_on) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", r.id(), zoneId, type, name, content, proxied, ttl, ts(now), ts(now));
            audit(c, actor, "create", "dns_record", r.id(), zoneId, null, r);
            return r;
        });
    }

    @Override
    public StoredDnsRecord updateDnsRecord(String zoneId, String id, String type, String name, String content, boolean proxied,
                                           int ttl, String actor) {
        return write(c -> {
            StoredDnsRecord before = one(c, "SELECT * FROM dns_records WHERE zone_id = ? AND id = ?", JdbcStore::dns, zoneId, id)
                    .orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "DNS record " + id + " does not exist"));
            Instant now = now();
            StoredDnsRecord after = new StoredDnsRecord(id, zoneId, type, name, content, proxied, ttl, before.createdOn(), now);
            update(c, "UPDATE dns_records SET record_type = ?, name = ?, content = ?, proxied = ?, ttl = ?, modified_on = ? "
                    + "WHERE zone_id = ? AND id = ?", type, name, content, proxied, ttl, ts(now), zoneId, id);
            audit(c, actor, "update", "dns_record", id, zoneId, before, after);
            return after;
        });
    }

    @Override
    public boolean deleteDnsRecord(String zoneId, String id, String actor) {
        return write(c -> {
            Optional<StoredDnsRecord> before = one(c, "SELECT * FROM dns_records WHERE zone_id = ? AND id = ?", JdbcStore::dns, zoneId, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM dns_records WHERE id = ?", id);
            audit(c, actor, "delete", "dns_record", id, zoneId, before.get(), null);
            return true;
        });
    }

    private static StoredDnsRecord dns(ResultSet rs) throws SQLException {
        return new StoredDnsRecord(rs.getString("id"), rs.getString("zone_id"), rs.getString("record_type"), rs.getString("name"),
                rs.getString("content"), rs.getBoolean("proxied"), rs.getInt("ttl"), instant(rs, "created_on"),
                instant(rs, "modified_on"));
    }

    // ---------------------------------------------------------------- edge certificates

    @Override
    public List<StoredCertificate> certificates(String zoneId) {
        return read(c -> all(c, "SELECT * FROM zone_certificates WHERE zone_id = ? ORDER BY uploaded_on, id", this::certificate, zoneId));
    }

    @Override
    public Optional<StoredCertificate> certificate(String zoneId, String id) {
        return read(c -> one(c, "SELECT * FROM zone_certificates WHERE zone_id = ? AND id = ?", this::certificate, zoneId, id));
    }

    @Override
    public StoredCertificate createCertificate(String zoneId, String certificatePem, String privateKeyPem, String actor) {
        return write(c -> {
            requireZone(c, zoneId);
            Instant now = now();
            StoredCertificate cert = new StoredCertificate(newId(), zoneId, certificatePem, privateKeyPem, now, now);
            update(c, "INSERT INTO zone_certificates (id, zone_id, certificate, private_key, uploaded_on, modified_on) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", cert.id(), zoneId, certificatePem, cipher.encrypt(privateKeyPem, cert.id()), ts(now), ts(now));
            audit(c, actor, "create", "certificate", cert.id(), zoneId, null, cert.audited());
            return cert;
        });
    }

    @Override
    public StoredCertificate replaceCertificate(String zoneId, String id, String certificatePem, String privateKeyPem, String actor) {
        return write(c -> {
            StoredCertificate before = one(c, "SELECT * FROM zone_certificates WHERE zone_id = ? AND id = ?", this::certificate,
                    zoneId, id).orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "certificate " + id + " does not exist"));
            Instant now = now();
            StoredCertificate after = new StoredCertificate(id, zoneId, certificatePem, privateKeyPem, before.uploadedOn(), now);
            update(c, "UPDATE zone_certificates SET certificate = ?, private_key = ?, modified_on = ? WHERE zone_id = ? AND id = ?",
                    certificatePem, cipher.encrypt(privateKeyPem, id), ts(now), zoneId, id);
            audit(c, actor, "update", "certificate", id, zoneId, before.audited(), after.audited());
            return after;
        });
    }

    @Override
    public boolean deleteCertificate(String zoneId, String id, String actor) {
        return write(c -> {
            Optional<StoredCertificate> before = one(c, "SELECT * FROM zone_certificates WHERE zone_id = ? AND id = ?",
                    this::certificate, zoneId, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM zone_certificates WHERE id = ?", id);
            audit(c, actor, "delete", "certificate", id, zoneId, before.get().audited(), null);
            return true;
        });
    }

    private StoredCertificate certificate(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        return new StoredCertificate(id, rs.getString("zone_id"), rs.getString("certificate"),
                cipher.decrypt(rs.getString("private_key"), id), instant(rs, "uploaded_on"), instant(rs, "modified_on"));
    }

    private boolean holdsEncryptedKeys() {
        return read(c -> all(c, "SELECT COUNT(*) FROM zone_certificates WHERE private_key LIKE ?", rs -> rs.getInt(1),
                PrivateKeyCipher.PREFIX + "%").get(0)) > 0;
    }

    /**
     * Run as the store opens: checks that every stored private key decrypts with this node's
     * keys, so a missing or wrong key is one clear error now rather than one on every read, and
     * encrypts with the current key every one that is not yet: keys stored before encryption,
     * and keys under an older key (a rotation). A row another node changed meanwhile is left
     * to that node ({@code WHERE private_key = old}).
     */
    private void encryptAtRest() {
        List<String[]> rows = read(c -> all(c, "SELECT id, private_key FROM zone_certificates ORDER BY id",
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
        int encrypted = write(c -> {
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

    /**
     * Rewrites the embedded store's file, so that what was replaced (unencrypted keys) is gone
     * from it and not only from its tables: H2 writes new pages beside the old ones and reuses
     * their space only in time. {@code SHUTDOWN COMPACT} closes the database to do it, so it is
     * done only when no other process uses it (their sessions come through the server of the
     * process that opened the file, with a client address); the pool then opens it again.
     *
     * @return true if the file was rewritten
     */
    private boolean compactFile() {
        try (Connection c = pool.getConnection()) {
            int others = all(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE CLIENT_ADDR IS NOT NULL", rs -> rs.getInt(1)).get(0);
            if (others > 0) {
                return false;
            }
            update(c, "SHUTDOWN COMPACT");
            pool.getHikariPoolMXBean().softEvictConnections(); // every connection of the pool was to the database just closed
        } catch (SQLException e) {
            LOG.warn("store: could not compact its file ({}); the unencrypted keys stay in its free space until H2 reuses it", e.getMessage());
            return false;
        }
        LOG.info("store: compacted its file: the unencrypted keys are gone from it");
        return true;
    }

    // ---------------------------------------------------------------- rulesets

    @Override
    public Optional<StoredRuleset> ruleset(String zoneId, String phase) {
        return read(c -> one(c, "SELECT * FROM rulesets WHERE zone_id = ? AND phase = ?", JdbcStore::ruleset, zoneId, phase));
    }

    @Override
    public List<StoredRuleset> rulesets(String zoneId) {
        return read(c -> all(c, "SELECT * FROM rulesets WHERE zone_id = ? ORDER BY phase", JdbcStore::ruleset, zoneId));
    }

    @Override
    public StoredRuleset putRuleset(String zoneId, String phase, String json, String actor) {
        return write(c -> {
            requireZone(c, zoneId);
            Optional<StoredRuleset> before = one(c, "SELECT * FROM rulesets WHERE zone_id = ? AND phase = ?", JdbcStore::ruleset,
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
            audit(c, actor, before.isPresent() ? "update" : "create", "ruleset", after.id(), zoneId,
                    before.map(RulesetAudit::reference).orElse(null),
                    before.isPresent() ? RulesetAudit.changes(before.get(), after) : RulesetAudit.whole(after));
            return after;
        });
    }

    @Override
    public StoredRuleset replaceRuleset(String zoneId, String phase, String json, int expectedVersion, String actor) {
        return write(c -> {
            StoredRuleset before = one(c, "SELECT * FROM rulesets WHERE zone_id = ? AND phase = ?", JdbcStore::ruleset, zoneId, phase)
                    .orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "ruleset " + phase + " does not exist"));
            Instant now = now();
            StoredRuleset after = new StoredRuleset(before.id(), zoneId, phase, json, expectedVersion + 1, now);
            try (PreparedStatement q = c.prepareStatement("UPDATE rulesets SET body = ?, version = ?, modified_on = ? WHERE id = ? AND version = ?")) {
                bind(q, json, after.version(), ts(now), before.id(), expectedVersion);
                if (q.executeUpdate() != 1) {
                    throw new StoreException(StoreException.Kind.CONFLICT, "ruleset " + before.id() + " changed meanwhile");
                }
            }
            audit(c, actor, "update", "ruleset", after.id(), zoneId, RulesetAudit.reference(before), RulesetAudit.changes(before, after));
            return after;
        });
    }

    @Override
    public boolean deleteRuleset(String zoneId, String phase, String actor) {
        return write(c -> {
            Optional<StoredRuleset> before = one(c, "SELECT * FROM rulesets WHERE zone_id = ? AND phase = ?", JdbcStore::ruleset,
                    zoneId, phase);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM rulesets WHERE id = ?", before.get().id());
            audit(c, actor, "delete", "ruleset", before.get().id(), zoneId, RulesetAudit.whole(before.get()), null);
            return true;
        });
    }

    private static StoredRuleset ruleset(ResultSet rs) throws SQLException {
        return new StoredRuleset(rs.getString("id"), rs.getString("zone_id"), rs.getString("phase"), rs.getString("body"),
                rs.getInt("version"), instant(rs, "modified_on"));
    }

    // ---------------------------------------------------------------- lists

    @Override
    public List<StoredList> lists() {
        return read(c -> all(c, LIST_SELECT + " ORDER BY l.name", JdbcStore::storedList));
    }

    @Override
    public Optional<StoredList> list(String id) {
        return read(c -> one(c, LIST_SELECT + " WHERE l.id = ?", JdbcStore::storedList, id));
    }

    private static final String LIST_SELECT = "SELECT l.*, (SELECT COUNT(*) FROM rules_list_items i WHERE i.list_id = l.id) AS num_items "
            + "FROM rules_lists l";

    @Override
    public StoredList createList(String name, String kind, String description, String actor) {
        return write(c -> {
            if (one(c, LIST_SELECT + " WHERE l.name = ?", JdbcStore::storedList, name).isPresent()) {
                throw new StoreException(StoreException.Kind.CONFLICT, "list " + name + " already exists");
            }
            Instant now = now();
            StoredList list = new StoredList(newId(), name, kind, description, 0, now, now);
            update(c, "INSERT INTO rules_lists (id, name, kind, description, created_on, modified_on) VALUES (?, ?, ?, ?, ?, ?)",
                    list.id(), name, kind, description, ts(now), ts(now));
            audit(c, actor, "create", "list", list.id(), null, null, list);
            return list;
        });
    }

    @Override
    public boolean deleteList(String id, String actor) {
        return write(c -> {
            Optional<StoredList> before = one(c, LIST_SELECT + " WHERE l.id = ?", JdbcStore::storedList, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM rules_lists WHERE id = ?", id);
            audit(c, actor, "delete", "list", id, null, before.get(), null);
            return true;
        });
    }

    @Override
    public List<StoredListItem> listItems(String listId, String after, int limit) {
        return read(c -> all(c, "SELECT * FROM rules_list_items WHERE list_id = ? AND item > ? ORDER BY item LIMIT ?", JdbcStore::listItem,
                listId, after, limit));
    }

    @Override
    public void putListItems(String listId, Map<String, String> items, boolean replace, String actor) {
        write(c -> {
            StoredList list = one(c, LIST_SELECT + " WHERE l.id = ?", JdbcStore::storedList, listId)
                    .orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "list " + listId + " does not exist"));
            List<StoredListItem> before = all(c, "SELECT * FROM rules_list_items WHERE list_id = ? ORDER BY item", JdbcStore::listItem, listId);
            if (replace) {
                update(c, "DELETE FROM rules_list_items WHERE list_id = ?", listId);
            }
            Instant now = now();
            for (Map.Entry<String, String> e : items.entrySet()) {
                update(c, "INSERT INTO rules_list_items (id, list_id, item, item_comment, created_on, modified_on) VALUES (?, ?, ?, ?, ?, ?)",
                        newId(), listId, e.getKey(), e.getValue(), ts(now), ts(now));
            }
            update(c, "UPDATE rules_lists SET modified_on = ? WHERE id = ?", ts(now), listId);
            audit(c, actor, replace ? "replace_items" : "add_items", "list", listId, null,
                    before.stream().map(StoredListItem::item).toList(), items.keySet());
            return list;
        });
    }

    @Override
    public int deleteListItems(String listId, java.util.Collection<String> itemIds, String actor) {
        return write(c -> {
            int n = 0;
            for (String id : itemIds) {
                Optional<StoredListItem> item = one(c, "SELECT * FROM rules_list_items WHERE list_id = ? AND id = ?", JdbcStore::listItem,
                        listId, id);
                if (item.isPresent()) {
                    update(c, "DELETE FROM rules_list_items WHERE id = ?", id);
                    audit(c, actor, "delete_item", "list", listId, null, item.get().item(), null);
                    n++;
                }
            }
            return n;
        });
    }

    @Override
    public Map<String, List<String>> listsWithItems() {
        return read(c -> {
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (StoredList l : all(c, LIST_SELECT + " ORDER BY l.name", JdbcStore::storedList)) {
                out.put(l.name(), new ArrayList<>());
            }
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT l.name, i.item FROM rules_list_items i JOIN rules_lists l ON l.id = i.list_id ORDER BY l.name, i.item");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.get(rs.getString(1)).add(rs.getString(2));
                }
            }
            return out;
        });
    }

    private static StoredList storedList(ResultSet rs) throws SQLException {
        return new StoredList(rs.getString("id"), rs.getString("name"), rs.getString("kind"), rs.getString("description"),
                rs.getInt("num_items"), instant(rs, "created_on"), instant(rs, "modified_on"));
    }

    private static StoredListItem listItem(ResultSet rs) throws SQLException {
        return new StoredListItem(rs.getString("id"), rs.getString("list_id"), rs.getString("item"), rs.getString("item_comment"),
                instant(rs, "created_on"), instant(rs, "modified_on"));
    }

    // ---------------------------------------------------------------- tokens

    @Override
    public StoredToken createToken(String name, String secretHash, Set<String> permissions, Set<String> zoneIds, String actor) {
        // an empty set means every zone: a blank or malformed id must never be stored as one (""
        // joins to the same empty column an unscoped token has)
        for (String zoneId : zoneIds) {
            if (zoneId == null || !ZONE_ID.matcher(zoneId).matches()) {
                throw new IllegalArgumentException("zone: '" + zoneId + "' (expected: the id of a zone, 32 hex characters)");
            }
        }
        return write(c -> {
            StoredToken t = new StoredToken(newId(), name, secretHash, permissions, zoneIds, "active", now());
            update(c, "INSERT INTO api_tokens (id, name, secret_hash, permissions, zone_ids, status, issued_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    t.id(), name, secretHash, String.join(",", new TreeSet<>(permissions)), String.join(",", new TreeSet<>(zoneIds)),
                    t.status(), ts(t.issuedOn()));
            // the audit log names the token, never its hash
            audit(c, actor, "create", "api_token", t.id(), null, null, Map.of("id", t.id(), "name", name,
                    "permissions", new TreeSet<>(permissions), "zones", new TreeSet<>(zoneIds)));
            return t;
        });
    }

    @Override
    public Optional<StoredToken> tokenByHash(String secretHash) {
        return read(c -> one(c, "SELECT * FROM api_tokens WHERE secret_hash = ?", JdbcStore::token, secretHash));
    }

    @Override
    public List<StoredToken> tokens() {
        return read(c -> all(c, "SELECT * FROM api_tokens ORDER BY issued_on, id", JdbcStore::token));
    }

    @Override
    public boolean deleteToken(String id, String actor) {
        return write(c -> {
            Optional<StoredToken> before = one(c, "SELECT * FROM api_tokens WHERE id = ?", JdbcStore::token, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM api_tokens WHERE id = ?", id);
            StoredToken t = before.get();
            audit(c, actor, "delete", "api_token", id, null, Map.of("id", id, "name", t.name(),
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

    // ---------------------------------------------------------------- audit

    @Override
    public Page<AuditEntry> audit(Set<String> zoneIds, Set<String> hiddenTypes, int page, int perPage) {
        List<Object> filter = new ArrayList<>();
        String where = auditFilter(zoneIds, hiddenTypes, filter);
        List<Object> args = new ArrayList<>(filter);
        args.add(perPage);
        args.add((long) (page - 1) * perPage);
        return read(c -> new Page<>(all(c, "SELECT * FROM audit_log" + where + " ORDER BY seq DESC LIMIT ? OFFSET ?", JdbcStore::entry,
                args.toArray()), page, perPage, all(c, "SELECT COUNT(*) FROM audit_log" + where, rs -> rs.getInt(1), filter.toArray()).get(0)));
    }

    @Override
    public Optional<AuditEntry> auditEntry(long seq, Set<String> zoneIds, Set<String> hiddenTypes) {
        List<Object> args = new ArrayList<>();
        String where = auditFilter(zoneIds, hiddenTypes, args);
        args.add(seq);
        String sql = "SELECT * FROM audit_log" + (where.isEmpty() ? " WHERE" : where + " AND") + " seq = ?";
        return read(c -> one(c, sql, JdbcStore::entry, args.toArray()));
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

    @Override
    public long lastChange() {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT version FROM change_version WHERE id = 1");
                 ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void audit(Connection c, String actor, String action, String type, String id, String zoneId, Object before,
                              Object after) throws SQLException {
        update(c, "INSERT INTO audit_log (changed_at, actor, action, resource_type, resource_id, zone_id, before_value, after_value) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ts(now()), fitted(actor, ACTOR_COLUMN), action, type, id, zoneId, json(before), json(after));
    }

    /** The audit log's actor column: an actor names a token, whose name may have been longer before names were limited. */
    private static final int ACTOR_COLUMN = 200;

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

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        return postgresUrl == null ? Store.super.onChange(listener) : new PostgresChangeListener(postgresUrl, user, password, listener);
    }

    @Override
    public <T> T inTransaction(Function<Store, T> work) {
        if (transaction.get() != null) {
            return work.apply(this);
        }
        return write(c -> {
            Transaction tx = new Transaction(c);
            transaction.set(tx);
            T result;
            try {
                result = work.apply(this);
            } finally {
                transaction.remove();
            }
            if (tx.failed != null) {
                // the work caught a failed write and went on: it must not commit half (and on
                // PostgreSQL the transaction is aborted anyway)
                throw tx.failed;
            }
            return result;
        });
    }

    private <T> T read(Work<T> work) {
        Transaction open = transaction.get();
        try {
            if (open != null) {
                return work.run(open.connection);
            }
            try (Connection c = pool.getConnection()) {
                return work.run(c);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * One transaction: all of it, with its audit entries, or nothing. Inside
     * {@link #inTransaction} it is part of that one, which commits and counts the change.
     */
    private <T> T write(Work<T> work) {
        Transaction open = transaction.get();
        if (open != null) {
            try {
                return read(work);
            } catch (RuntimeException e) {
                if (open.failed == null) {
                    open.failed = e;
                }
                throw e;
            }
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                // last, so the row lock is held only while committing: writers commit in version order
                update(c, "UPDATE change_version SET version = version + 1 WHERE id = 1");
                if (postgresUrl != null) {
                    // delivered when the transaction commits, and not at all if it rolls back
                    all(c, "SELECT pg_notify('" + PostgresChangeListener.CHANNEL + "', current_schema())", rs -> null);
                }
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * A failure of the database as the log may show it. Statements run through {@link #all} and
     * {@link #update} fail with their SQL and state only; a connection that could not be had
     * says why (the pool's and the driver's words hold no values); anything else gives its state.
     */
    private static StoreException unavailable(SQLException e) {
        boolean connection = e instanceof java.sql.SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException
                || e.getSQLState() != null && e.getSQLState().startsWith("08");
        String message = e instanceof ValuelessSqlException || connection ? e.getMessage()
                : "SQL state " + e.getSQLState() + ", error " + e.getErrorCode();
        return new StoreException(StoreException.Kind.UNAVAILABLE, "store: " + message, e instanceof ValuelessSqlException || connection ? e : null);
    }

    /** A failed statement's SQL state, error code and SQL, without the driver's message. */
    private static final class ValuelessSqlException extends SQLException {
        ValuelessSqlException(SQLException e, String sql) {
            super("SQL state " + e.getSQLState() + ", error " + e.getErrorCode() + " in: " + sql, e.getSQLState(), e.getErrorCode());
            setStackTrace(e.getStackTrace());
        }
    }

    private static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        List<T> rows = all(c, sql, row, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static <T> List<T> all(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw withoutValues(e, sql);
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, args);
            q.executeUpdate();
        } catch (SQLException e) {
            throw withoutValues(e, sql);
        }
    }

    /**
     * A failed statement as the log may show it: its SQL (parameters are never in it), the SQL
     * state and the database's error code. The driver's own message is left out, and with it
     * the values: H2 quotes the value that did not fit, PostgreSQL a duplicate key's, and either
     * may be a secret (a private key, a token's name, a rule's content).
     */
    private static SQLException withoutValues(SQLException e, String sql) {
        return e instanceof ValuelessSqlException ? e : new ValuelessSqlException(e, sql);
    }

    private static void bind(PreparedStatement q, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            q.setObject(i + 1, args[i]);
        }
    }

    private static OffsetDateTime ts(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    @Override
    public void close() {
        if (compactOnClose && !compactFile()) {
            LOG.warn("store: another process has the store open, so its file still holds unencrypted keys in its free space until H2"
                    + " reuses it (docs/OPERATIONS.md, \"The store's key\")");
        }
        pool.close();
    }
}
