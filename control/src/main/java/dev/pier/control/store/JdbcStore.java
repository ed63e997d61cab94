package dev.pier.control.store;

import java.nio.file.Path;
import java.util.Collection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The store on a JDBC database: an embedded H2 file by default, PostgreSQL for several edge
 * nodes. Portable SQL only, so one migration and one implementation serve both; the contract
 * tests run against each. Each aggregate has its repository, which owns its SQL and rows
 * ({@link ZoneRepository}, {@link SettingRepository}, {@link DnsRecordRepository},
 * {@link CertificateRepository}, {@link RulesetRepository}, {@link WorkerRouteRepository},
 * {@link WorkerScriptRepository}, {@link ListRepository},
 * {@link TokenRepository}, {@link AuditRepository}); all of them read and write through one
 * {@link Jdbc}, which holds the pool and the transaction {@link #inTransaction} opens.
 */
public final class JdbcStore implements Store {

    private final Jdbc jdbc;
    private final ZoneRepository zones;
    private final SettingRepository settings;
    private final DnsRecordRepository dnsRecords;
    private final CertificateRepository certificates;
    private final RulesetRepository rulesets;
    private final WorkerRouteRepository workerRoutes;
    private final WorkerScriptRepository workerScripts;
    private final LogpushJobRepository logpushJobs;
    private final ListRepository lists;
    private final TokenRepository tokens;
    private final AuditRepository audit;

    private JdbcStore(Jdbc jdbc, boolean embedded, StoreKeys keys) {
        this.jdbc = jdbc;
        jdbc.migrate();
        this.certificates = CertificateRepository.open(jdbc, keys, embedded);
        this.zones = new ZoneRepository(jdbc);
        this.settings = new SettingRepository(jdbc);
        this.dnsRecords = new DnsRecordRepository(jdbc);
        this.rulesets = new RulesetRepository(jdbc);
        this.workerRoutes = new WorkerRouteRepository(jdbc);
        this.workerScripts = new WorkerScriptRepository(jdbc);
        this.logpushJobs = new LogpushJobRepository(jdbc);
        this.lists = new ListRepository(jdbc);
        this.tokens = new TokenRepository(jdbc);
        this.audit = new AuditRepository(jdbc);
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
        Jdbc jdbc = Jdbc.open(url, user, password);
        try {
            return new JdbcStore(jdbc, url.startsWith("jdbc:h2:"), keys);
        } catch (StoreException e) {
            jdbc.close();
            throw e;
        } catch (RuntimeException e) {
            jdbc.close();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "store: cannot migrate " + Jdbc.redacted(url) + " ("
                    + Jdbc.rootMessage(e) + ")", e);
        }
    }

    // ---------------------------------------------------------------- zones

    @Override
    public Page<StoredZone> zones(String name, int page, int perPage) {
        return zones.zones(name, page, perPage);
    }

    @Override
    public Optional<StoredZone> zone(String id) {
        return zones.zone(id);
    }

    @Override
    public StoredZone createZone(String name, String actor) {
        return zones.createZone(name, actor);
    }

    @Override
    public boolean deleteZone(String id, String actor) {
        return zones.deleteZone(id, actor);
    }

    @Override
    public List<StoredZoneContents> zoneContents() {
        return zones.contents(settings, dnsRecords, certificates, rulesets, workerRoutes);
    }

    // ---------------------------------------------------------------- Workers scripts

    @Override
    public List<StoredWorkerScript> workerScripts() {
        return workerScripts.workerScripts();
    }

    @Override
    public Optional<StoredWorkerScript> workerScript(String name) {
        return workerScripts.workerScript(name);
    }

    @Override
    public List<StoredScriptModule> workerScriptModules(String name) {
        return workerScripts.workerScriptModules(name);
    }

    @Override
    public StoredWorkerScript putWorkerScript(StoredWorkerScript script, List<StoredScriptModule> modules, String actor) {
        return workerScripts.putWorkerScript(script, modules, actor);
    }

    @Override
    public boolean deleteWorkerScript(String name, String actor) {
        return workerScripts.deleteWorkerScript(name, actor);
    }

    // ---------------------------------------------------------------- settings

    @Override
    public Map<String, StoredSetting> settings(String zoneId) {
        return settings.settings(zoneId);
    }

    @Override
    public List<StoredSetting> putSettings(String zoneId, Map<String, String> jsonValues, String actor) {
        return settings.putSettings(zoneId, jsonValues, actor);
    }

    // ---------------------------------------------------------------- DNS records

    @Override
    public List<StoredDnsRecord> dnsRecords(String zoneId) {
        return dnsRecords.dnsRecords(zoneId);
    }

    @Override
    public Optional<StoredDnsRecord> dnsRecord(String zoneId, String id) {
        return dnsRecords.dnsRecord(zoneId, id);
    }

    @Override
    public StoredDnsRecord createDnsRecord(String zoneId, String type, String name, String content, boolean proxied, int ttl,
                                           String actor) {
        return dnsRecords.createDnsRecord(zoneId, type, name, content, proxied, ttl, actor);
    }

    @Override
    public StoredDnsRecord updateDnsRecord(String zoneId, String id, String type, String name, String content, boolean proxied,
                                           int ttl, String actor) {
        return dnsRecords.updateDnsRecord(zoneId, id, type, name, content, proxied, ttl, actor);
    }

    @Override
    public boolean deleteDnsRecord(String zoneId, String id, String actor) {
        return dnsRecords.deleteDnsRecord(zoneId, id, actor);
    }

    // ---------------------------------------------------------------- edge certificates

    @Override
    public List<StoredCertificate> certificates(String zoneId) {
        return certificates.certificates(zoneId);
    }

    @Override
    public Optional<StoredCertificate> certificate(String zoneId, String id) {
        return certificates.certificate(zoneId, id);
    }

    @Override
    public StoredCertificate createCertificate(String zoneId, String certificatePem, String privateKeyPem, String actor) {
        return certificates.createCertificate(zoneId, certificatePem, privateKeyPem, actor);
    }

    @Override
    public StoredCertificate replaceCertificate(String zoneId, String id, String certificatePem, String privateKeyPem, String actor) {
        return certificates.replaceCertificate(zoneId, id, certificatePem, privateKeyPem, actor);
    }

    @Override
    public boolean deleteCertificate(String zoneId, String id, String actor) {
        return certificates.deleteCertificate(zoneId, id, actor);
    }

    // ---------------------------------------------------------------- Worker routes

    @Override
    public List<StoredWorkerRoute> workerRoutes(String zoneId) {
        return workerRoutes.workerRoutes(zoneId);
    }

    @Override
    public Optional<StoredWorkerRoute> workerRoute(String zoneId, String id) {
        return workerRoutes.workerRoute(zoneId, id);
    }

    @Override
    public StoredWorkerRoute createWorkerRoute(String zoneId, String pattern, String script, String actor) {
        return workerRoutes.createWorkerRoute(zoneId, pattern, script, actor);
    }

    @Override
    public StoredWorkerRoute updateWorkerRoute(String zoneId, String id, String pattern, String script, String actor) {
        return workerRoutes.updateWorkerRoute(zoneId, id, pattern, script, actor);
    }

    @Override
    public boolean deleteWorkerRoute(String zoneId, String id, String actor) {
        return workerRoutes.deleteWorkerRoute(zoneId, id, actor);
    }

    // ---------------------------------------------------------------- Logpush jobs

    @Override
    public List<StoredLogpushJob> logpushJobs(String zoneId) {
        return logpushJobs.jobs(zoneId);
    }

    @Override
    public List<StoredLogpushJob> logpushJobs() {
        return logpushJobs.everyJob();
    }

    @Override
    public Optional<StoredLogpushJob> logpushJob(String zoneId, long id) {
        return logpushJobs.job(zoneId, id);
    }

    @Override
    public StoredLogpushJob createLogpushJob(String zoneId, StoredLogpushJob draft, String actor) {
        return logpushJobs.create(zoneId, draft, actor);
    }

    @Override
    public StoredLogpushJob updateLogpushJob(String zoneId, long id, StoredLogpushJob draft, String actor) {
        return logpushJobs.change(zoneId, id, draft, actor);
    }

    @Override
    public boolean deleteLogpushJob(String zoneId, long id, String actor) {
        return logpushJobs.delete(zoneId, id, actor);
    }

    @Override
    public void reportLogpushDelivery(long id, Instant at, String errorMessage) {
        logpushJobs.report(id, at, errorMessage);
    }

    // ---------------------------------------------------------------- rulesets

    @Override
    public Optional<StoredRuleset> ruleset(String zoneId, String phase) {
        return rulesets.ruleset(zoneId, phase);
    }

    @Override
    public List<StoredRuleset> rulesets(String zoneId) {
        return rulesets.rulesets(zoneId);
    }

    @Override
    public StoredRuleset putRuleset(String zoneId, String phase, String json, String actor) {
        return rulesets.putRuleset(zoneId, phase, json, actor);
    }

    @Override
    public StoredRuleset replaceRuleset(String zoneId, String phase, String json, int expectedVersion, String actor) {
        return rulesets.replaceRuleset(zoneId, phase, json, expectedVersion, actor);
    }

    @Override
    public boolean deleteRuleset(String zoneId, String phase, String actor) {
        return rulesets.deleteRuleset(zoneId, phase, actor);
    }

    // ---------------------------------------------------------------- lists

    @Override
    public List<StoredList> lists() {
        return lists.lists();
    }

    @Override
    public Optional<StoredList> list(String id) {
        return lists.list(id);
    }

    @Override
    public StoredList createList(String name, String kind, String description, String actor) {
        return lists.createList(name, kind, description, actor);
    }

    @Override
    public boolean deleteList(String id, String actor) {
        return lists.deleteList(id, actor);
    }

    @Override
    public List<StoredListItem> listItems(String listId, String after, int limit) {
        return lists.listItems(listId, after, limit);
    }

    @Override
    public void putListItems(String listId, Map<String, String> items, boolean replace, String actor) {
        lists.putListItems(listId, items, replace, actor);
    }

    @Override
    public int deleteListItems(String listId, Collection<String> itemIds, String actor) {
        return lists.deleteListItems(listId, itemIds, actor);
    }

    @Override
    public Map<String, List<String>> listsWithItems() {
        return lists.listsWithItems();
    }

    // ---------------------------------------------------------------- tokens

    @Override
    public StoredToken createToken(String name, String secretHash, Set<String> permissions, Set<String> zoneIds, String actor) {
        return tokens.createToken(name, secretHash, permissions, zoneIds, actor);
    }

    @Override
    public Optional<StoredToken> tokenByHash(String secretHash) {
        return tokens.tokenByHash(secretHash);
    }

    @Override
    public List<StoredToken> tokens() {
        return tokens.tokens();
    }

    @Override
    public boolean deleteToken(String id, String actor) {
        return tokens.deleteToken(id, actor);
    }

    // ---------------------------------------------------------------- audit log, transactions and change feed

    @Override
    public Page<AuditEntry> audit(Set<String> zoneIds, Set<String> hiddenTypes, int page, int perPage) {
        return audit.audit(zoneIds, hiddenTypes, page, perPage);
    }

    @Override
    public Optional<AuditEntry> auditEntry(long seq, Set<String> zoneIds, Set<String> hiddenTypes) {
        return audit.auditEntry(seq, zoneIds, hiddenTypes);
    }

    @Override
    public long lastChange() {
        return jdbc.lastChange();
    }

    @Override
    public <T> T inTransaction(Function<Store, T> work) {
        return jdbc.inTransaction(() -> work.apply(this));
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        return jdbc.notifies() ? jdbc.listen(listener) : Store.super.onChange(listener);
    }

    @Override
    public void close() {
        certificates.compactIfPending();
        jdbc.close();
    }
}
