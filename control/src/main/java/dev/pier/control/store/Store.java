package dev.pier.control.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The control plane's source of truth. Every write names its actor, is atomic, and lands in
 * the audit log in the same transaction; {@link #lastChange()} is the store's version, one more
 * after every committed write, which edge nodes compare to know they are up to date.
 */
public interface Store extends AutoCloseable {

    // ---------------------------------------------------------------- zones

    /**
     * Zones by name, a page at a time (pages count from 1).
     *
     * @param name an exact zone name to filter by, or null for all
     */
    Page<StoredZone> zones(String name, int page, int perPage);

    Optional<StoredZone> zone(String id);

    /** @throws StoreException CONFLICT when a zone of that name exists */
    StoredZone createZone(String name, String actor);

    /** Deletes a zone with its settings, records and rulesets; false when there was none. */
    boolean deleteZone(String id, String actor);

    // ---------------------------------------------------------------- settings

    /** The settings a zone changed from their defaults, by id. */
    Map<String, StoredSetting> settings(String zoneId);

    /**
     * Sets settings (JSON values by id) in one transaction; a null value puts a setting back to
     * its default. Returns the settings set.
     *
     * @throws StoreException NOT_FOUND for an unknown zone
     */
    List<StoredSetting> putSettings(String zoneId, Map<String, String> jsonValues, String actor);

    // ---------------------------------------------------------------- DNS records

    List<StoredDnsRecord> dnsRecords(String zoneId);

    Optional<StoredDnsRecord> dnsRecord(String zoneId, String id);

    /** @throws StoreException NOT_FOUND for an unknown zone */
    StoredDnsRecord createDnsRecord(String zoneId, String type, String name, String content, boolean proxied, int ttl,
                                    String actor);

    /** @throws StoreException NOT_FOUND for an unknown record */
    StoredDnsRecord updateDnsRecord(String zoneId, String id, String type, String name, String content, boolean proxied,
                                    int ttl, String actor);

    boolean deleteDnsRecord(String zoneId, String id, String actor);

    // ---------------------------------------------------------------- edge certificates

    /** A zone's certificates, oldest first. */
    List<StoredCertificate> certificates(String zoneId);

    Optional<StoredCertificate> certificate(String zoneId, String id);

    /**
     * Stores a certificate chain and its key, both PEM (checked by the caller); the key is
     * encrypted at rest and read back decrypted.
     *
     * @throws StoreException NOT_FOUND for an unknown zone, NO_KEY when there is no key to encrypt it with
     */
    StoredCertificate createCertificate(String zoneId, String certificatePem, String privateKeyPem, String actor);

    /**
     * Replaces a certificate's chain and key (checked by the caller), keeping its id.
     *
     * @throws StoreException NOT_FOUND for an unknown certificate, NO_KEY when there is no key to encrypt it with
     */
    StoredCertificate replaceCertificate(String zoneId, String id, String certificatePem, String privateKeyPem, String actor);

    boolean deleteCertificate(String zoneId, String id, String actor);

    // ---------------------------------------------------------------- Worker routes

    /** A zone's routes to Workers, by pattern. */
    List<StoredWorkerRoute> workerRoutes(String zoneId);

    Optional<StoredWorkerRoute> workerRoute(String zoneId, String id);

    /**
     * Stores a route (pattern and script checked by the caller).
     *
     * @throws StoreException NOT_FOUND for an unknown zone, CONFLICT when the zone has a route with that pattern
     */
    StoredWorkerRoute createWorkerRoute(String zoneId, String pattern, String script, String actor);

    /**
     * Replaces a route's pattern and script, keeping its id.
     *
     * @throws StoreException NOT_FOUND for an unknown route, CONFLICT when another route of the zone has that pattern
     */
    StoredWorkerRoute updateWorkerRoute(String zoneId, String id, String pattern, String script, String actor);

    boolean deleteWorkerRoute(String zoneId, String id, String actor);

    // ---------------------------------------------------------------- Workers scripts

    /** The account's Workers scripts, by name, without their modules. */
    List<StoredWorkerScript> workerScripts();

    Optional<StoredWorkerScript> workerScript(String name);

    /** A script's modules, by name (none for an unknown script). */
    List<StoredScriptModule> workerScriptModules(String name);

    /**
     * Creates or replaces a script (checked by the caller) with exactly these modules; its
     * created_on stays, its modified_on is now.
     */
    StoredWorkerScript putWorkerScript(StoredWorkerScript script, List<StoredScriptModule> modules, String actor);

    /** Deletes a script with its modules; false when there was none. */
    boolean deleteWorkerScript(String name, String actor);

    // ---------------------------------------------------------------- Logpush jobs

    /** A zone's Logpush jobs, by id. */
    List<StoredLogpushJob> logpushJobs(String zoneId);

    /** Every zone's Logpush jobs, by id: what the nodes run. */
    List<StoredLogpushJob> logpushJobs();

    Optional<StoredLogpushJob> logpushJob(String zoneId, long id);

    /**
     * Stores a job (its settings checked by the caller) with a new id.
     *
     * @throws StoreException NOT_FOUND for an unknown zone
     */
    StoredLogpushJob createLogpushJob(String zoneId, StoredLogpushJob draft, String actor);

    /**
     * Replaces a job's settings, keeping its id and delivery status.
     *
     * @throws StoreException NOT_FOUND for an unknown job
     */
    StoredLogpushJob updateLogpushJob(String zoneId, long id, StoredLogpushJob draft, String actor);

    boolean deleteLogpushJob(String zoneId, long id, String actor);

    /**
     * A node's report of a delivery: {@code errorMessage} null for a success, which sets
     * {@code last_complete} to {@code at} and clears {@code last_error} and {@code error_message};
     * a failure sets those two. Not a change (the feed does not move).
     */
    void reportLogpushDelivery(long id, Instant at, String errorMessage);

    /**
     * Every zone with its settings, DNS records, certificates, rulesets and Worker routes, ordered by name, in
     * a query per table rather than per zone: what a node reads on every change, which must not
     * grow into thousands of round trips with the number of zones.
     */
    List<StoredZoneContents> zoneContents();

    // ---------------------------------------------------------------- rulesets

    Optional<StoredRuleset> ruleset(String zoneId, String phase);

    List<StoredRuleset> rulesets(String zoneId);

    /**
     * Creates or replaces a zone's entry point ruleset for a phase; its version goes up by one.
     *
     * @throws StoreException NOT_FOUND for an unknown zone
     */
    StoredRuleset putRuleset(String zoneId, String phase, String json, String actor);

    /**
     * Replaces a ruleset only if it is still at {@code expectedVersion}: a read-modify-write
     * (one rule added, edited or removed) cannot lose a concurrent one.
     *
     * @throws StoreException CONFLICT when the ruleset changed in between
     */
    StoredRuleset replaceRuleset(String zoneId, String phase, String json, int expectedVersion, String actor);

    /** Removes a zone's entry point ruleset for a phase; false when there was none. */
    boolean deleteRuleset(String zoneId, String phase, String actor);

    // ---------------------------------------------------------------- account lists

    List<StoredList> lists();

    /** The names of the account's lists: what an expression's {@code $name} may refer to. */
    default java.util.Set<String> listNames() {
        return lists().stream().map(StoredList::name).collect(java.util.stream.Collectors.toSet());
    }

    Optional<StoredList> list(String id);

    /** @throws StoreException CONFLICT when a list of that name exists */
    StoredList createList(String name, String kind, String description, String actor);

    boolean deleteList(String id, String actor);

    /** At most {@code limit} of a list's items, in item order, after the item {@code after} ("" for the first). */
    List<StoredListItem> listItems(String listId, String after, int limit);

    /**
     * Adds items (item → comment), or with {@code replace} makes them the list's only items.
     *
     * @throws StoreException NOT_FOUND for an unknown list
     */
    void putListItems(String listId, java.util.Map<String, String> items, boolean replace, String actor);

    /** Removes items by id; returns how many there were. */
    int deleteListItems(String listId, java.util.Collection<String> itemIds, String actor);

    /** Every list's items by list name: what the edge needs to run {@code $name}. */
    Map<String, List<String>> listsWithItems();

    // ---------------------------------------------------------------- API tokens

    /**
     * Stores a token; {@code secretHash} is the SHA-256 of its secret, which is never stored. An
     * empty {@code zoneIds} means every zone; a blank or malformed id is refused
     * (IllegalArgumentException), so it can never read back as that empty set.
     */
    StoredToken createToken(String name, String secretHash, Set<String> permissions, Set<String> zoneIds, String actor);

    Optional<StoredToken> tokenByHash(String secretHash);

    /** Every API token and legacy key, oldest first (their hashes included; never shown). */
    List<StoredToken> tokens();

    /** Deletes a token (revokes it): it authenticates nothing from then on. Audited. */
    boolean deleteToken(String id, String actor);

    // ---------------------------------------------------------------- transactions

    /**
     * Runs {@code work} against this store as one transaction: every write it makes commits
     * together, as one change of {@link #lastChange()}, or none does when it throws. Reads in it see
     * its own writes. A call inside {@code work} joins the transaction already open. A write that
     * fails inside fails the whole transaction, even if {@code work} catches its exception.
     */
    <T> T inTransaction(Function<Store, T> work);

    // ---------------------------------------------------------------- audit log and change feed

    /**
     * The audit log, newest first, a page at a time (pages count from 1): the entries of the
     * given zones, or every entry when {@code zoneIds} is empty.
     */
    default Page<AuditEntry> audit(Set<String> zoneIds, int page, int perPage) {
        return audit(zoneIds, Set.of(), page, perPage);
    }

    /**
     * The audit log as {@link #audit(Set, int, int)}, without the entries of the resource types
     * in {@code hiddenTypes} (what a reader may not see, such as {@code api_token}).
     */
    Page<AuditEntry> audit(Set<String> zoneIds, Set<String> hiddenTypes, int page, int perPage);

    /** One entry of the audit log by its sequence, if it is there and passes the filters of {@link #audit(Set, Set, int, int)}. */
    Optional<AuditEntry> auditEntry(long seq, Set<String> zoneIds, Set<String> hiddenTypes);

    /**
     * Calls {@code listener} soon after any process commits a change to this store, where the
     * store can tell (PostgreSQL's LISTEN/NOTIFY); the embedded store cannot, and never calls. It is
     * a hint to read {@link #lastChange()} now, and may come more than once or spuriously: the
     * version stays the truth. Closing the handle stops it.
     */
    default AutoCloseable onChange(Runnable listener) {
        return () -> {
        };
    }

    /**
     * The store's version: one more after every write, in commit order (0 for an empty store).
     * Having seen version N means having seen every change committed up to N.
     */
    long lastChange();

    @Override
    void close();
}
