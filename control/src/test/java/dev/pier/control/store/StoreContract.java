package dev.pier.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.Certificates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store must do, run against each implementation: the embedded H2 store and
 * PostgreSQL. Each test gets an empty store.
 */
abstract class StoreContract {

    protected Store store;

    /** A new, empty store. */
    protected abstract Store open() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void zonesAreCreatedListedByNameAndPageAndDeletedWithEverythingInThem() {
        StoredZone a = store.createZone("a.example", "alice");
        store.createZone("c.example", "alice");
        store.createZone("b.example", "alice");
        assertThat(a.id()).matches("[0-9a-f]{32}");
        assertThat(a.status()).isEqualTo("active");
        assertThat(store.zone(a.id())).contains(a);

        Page<StoredZone> first = store.zones(null, 1, 2);
        assertThat(first.items()).extracting(StoredZone::name).containsExactly("a.example", "b.example");
        assertThat(first.totalCount()).isEqualTo(3);
        assertThat(first.totalPages()).isEqualTo(2);
        assertThat(store.zones(null, 2, 2).items()).extracting(StoredZone::name).containsExactly("c.example");
        assertThat(store.zones("b.example", 1, 20).items()).extracting(StoredZone::name).containsExactly("b.example");
        assertThat(store.zones("nope.example", 1, 20).totalCount()).isZero();

        store.putSettings(a.id(), Map.of("websockets", "\"off\""), "alice");
        store.createDnsRecord(a.id(), "A", "a.example", "192.0.2.1", true, 1, "alice");
        store.putRuleset(a.id(), "http_request_firewall_custom", "{\"rules\":[]}", "alice");
        assertThat(store.deleteZone(a.id(), "alice")).isTrue();
        assertThat(store.zone(a.id())).isEmpty();
        assertThat(store.settings(a.id())).isEmpty();
        assertThat(store.dnsRecords(a.id())).isEmpty();
        assertThat(store.rulesets(a.id())).isEmpty();
        assertThat(store.deleteZone(a.id(), "alice")).isFalse();
    }

    @Test
    void aZoneNameIsTakenOnceAndAFailedWriteLeavesNothing() {
        store.createZone("example.com", "alice");
        long before = store.lastChange();
        assertThatThrownBy(() -> store.createZone("example.com", "bob"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT));
        assertThat(store.zones(null, 1, 20).totalCount()).isEqualTo(1);
        assertThat(store.lastChange()).isEqualTo(before);

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("websockets", "\"off\"");
        assertThatThrownBy(() -> store.putSettings("0123456789abcdef0123456789abcdef", settings, "bob"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
        assertThat(store.lastChange()).isEqualTo(before);
    }

    @Test
    void aTransactionIsOneChangeThatOthersSeeWholeOrNotAtAll() {
        long before = store.lastChange();
        String id = store.inTransaction(tx -> {
            StoredZone zone = tx.createZone("a.example", "alice");
            tx.putSettings(zone.id(), Map.of("websockets", "\"off\""), "alice");
            tx.createDnsRecord(zone.id(), "A", "a.example", "192.0.2.1", true, 1, "alice");
            assertThat(tx.settings(zone.id())).containsKey("websockets"); // its reads see its writes
            // another thread (an edge following the store) sees none of it before the commit
            assertThat(CompletableFuture.supplyAsync(() -> store.zones("a.example", 1, 1).totalCount()).join()).isZero();
            assertThat(CompletableFuture.supplyAsync(store::lastChange).join()).isEqualTo(before);
            return zone.id();
        });
        assertThat(store.lastChange()).isEqualTo(before + 1);
        assertThat(store.settings(id).get("websockets").jsonValue()).isEqualTo("\"off\"");
        assertThat(store.dnsRecords(id)).hasSize(1);
        assertThat(store.audit(Set.of(id), 1, 10).items()).extracting(AuditEntry::action).hasSize(3);

        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.putSettings(id, Map.of("websockets", "\"on\""), "bob");
            tx.createZone("b.example", "bob");
            return tx.createZone("a.example", "bob"); // taken: the whole transaction fails
        })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT));
        assertThat(store.lastChange()).isEqualTo(before + 1);
        assertThat(store.settings(id).get("websockets").jsonValue()).isEqualTo("\"off\"");
        assertThat(store.zones(null, 1, 20).items()).extracting(StoredZone::name).containsExactly("a.example");
        assertThat(store.audit(Set.of(), 1, 10).items()).hasSize(3);

        // work that catches a failed write and goes on still commits nothing
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            tx.putSettings(id, Map.of("websockets", "\"on\""), "bob");
            try {
                tx.createZone("a.example", "bob");
            } catch (StoreException ignored) {
                // carry on regardless
            }
            return null;
        })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT));
        assertThat(store.lastChange()).isEqualTo(before + 1);
        assertThat(store.settings(id).get("websockets").jsonValue()).isEqualTo("\"off\"");
    }

    @Test
    void certificatesAreKeptWithTheirKeysWhichTheAuditNeverHolds() {
        StoredZone zone = store.createZone("example.com", "alice");
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com", "*.example.com");
        StoredCertificate stored = store.createCertificate(zone.id(), pem.certificatePem(), pem.keyPem(), "alice");
        assertThat(stored.id()).matches("[0-9a-f]{32}");
        assertThat(store.certificates(zone.id())).containsExactly(stored);
        assertThat(store.certificate(zone.id(), stored.id()).orElseThrow().privateKeyPem()).isEqualTo(pem.keyPem());
        assertThat(stored.toString()).doesNotContain("PRIVATE KEY");

        assertThat(store.deleteCertificate(zone.id(), stored.id(), "alice")).isTrue();
        assertThat(store.deleteCertificate(zone.id(), stored.id(), "alice")).isFalse();
        assertThat(store.certificates(zone.id())).isEmpty();
        List<AuditEntry> audit = store.audit(Set.of(zone.id()), 1, 10).items();
        assertThat(audit).extracting(AuditEntry::action).containsExactly("delete", "create", "create");
        assertThat(audit.get(1).after()).contains("\"sha256\"", "\"hosts\":[\"example.com\",\"*.example.com\"]", "expires_on")
                .doesNotContain("BEGIN");
        assertThat(audit).allSatisfy(e -> assertThat(e.before() + " " + e.after()).doesNotContain("PRIVATE KEY"));

        store.createCertificate(zone.id(), pem.certificatePem(), pem.keyPem(), "alice");
        store.deleteZone(zone.id(), "alice");
        assertThat(store.certificates(zone.id())).as("gone with their zone").isEmpty();
        assertThatThrownBy(() -> store.createCertificate(zone.id(), pem.certificatePem(), pem.keyPem(), "alice"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
    }

    @Test
    void everyZonesContentsAreReadAtOnceAsEachWouldBeAlone() {
        StoredZone b = store.createZone("b.example", "alice");
        StoredZone a = store.createZone("a.example", "alice");
        StoredZone empty = store.createZone("c.example", "alice");
        for (StoredZone zone : List.of(a, b)) {
            store.putSettings(zone.id(), Map.of("websockets", "\"off\"", "min_tls_version", "\"1.3\""), "alice");
            store.createDnsRecord(zone.id(), "A", zone.name(), "192.0.2.1", true, 1, "alice");
            store.createDnsRecord(zone.id(), "CNAME", "www." + zone.name(), zone.name(), false, 1, "alice");
            store.putRuleset(zone.id(), "http_request_firewall_custom", "{\"rules\":[]}", "alice");
            store.putRuleset(zone.id(), "http_ratelimit", "{\"rules\":[]}", "alice");
            Certificates.SelfSigned pem = Certificates.selfSigned(zone.name());
            store.createCertificate(zone.id(), pem.certificatePem(), pem.keyPem(), "alice");
            store.createWorkerRoute(zone.id(), zone.name() + "/chat*", "chat", "alice");
            store.createWorkerRoute(zone.id(), "*." + zone.name() + "/*", "echo", "alice");
        }

        List<StoredZoneContents> contents = store.zoneContents();
        assertThat(contents).extracting(c -> c.zone().name()).containsExactly("a.example", "b.example", "c.example");
        for (StoredZoneContents c : contents) {
            String id = c.zone().id();
            assertThat(c.zone()).isEqualTo(store.zone(id).orElseThrow());
            assertThat(c.settings()).isEqualTo(store.settings(id));
            assertThat(c.dnsRecords()).isEqualTo(store.dnsRecords(id));
            assertThat(c.certificates()).isEqualTo(store.certificates(id));
            assertThat(c.rulesets()).isEqualTo(store.rulesets(id));
            assertThat(c.workerRoutes()).isEqualTo(store.workerRoutes(id));
        }
        assertThat(contents.get(0).settings()).containsOnlyKeys("websockets", "min_tls_version");
        assertThat(contents.get(0).dnsRecords()).hasSize(2);
        assertThat(contents.get(0).rulesets()).hasSize(2);
        assertThat(contents.get(0).certificates()).hasSize(1);
        assertThat(contents.get(2).zone()).isEqualTo(empty);
        assertThat(contents.get(2).settings()).isEmpty();
        assertThat(contents.get(2).dnsRecords()).isEmpty();
        assertThat(contents.get(0).workerRoutes()).extracting(StoredWorkerRoute::pattern)
                .containsExactly("*.a.example/*", "a.example/chat*");
        assertThat(contents.get(2).workerRoutes()).isEmpty();
    }

    @Test
    void workerRoutesAreCreatedUpdatedAndDeletedAndAPatternIsAZonesOnce() {
        StoredZone z = store.createZone("example.com", "alice");
        StoredZone other = store.createZone("example.org", "alice");
        StoredWorkerRoute chat = store.createWorkerRoute(z.id(), "example.com/chat*", "chat", "alice");
        StoredWorkerRoute echo = store.createWorkerRoute(z.id(), "*.example.com/*", "echo", "alice");
        assertThat(chat.id()).matches("[0-9a-f]{32}");
        assertThat(store.workerRoutes(z.id())).containsExactly(echo, chat);
        assertThat(store.workerRoute(z.id(), chat.id())).contains(chat);
        assertThat(store.workerRoute(other.id(), chat.id())).as("another zone's route").isEmpty();

        long before = store.lastChange();
        assertThatThrownBy(() -> store.createWorkerRoute(z.id(), "example.com/chat*", "other", "bob"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT));
        assertThatThrownBy(() -> store.updateWorkerRoute(z.id(), echo.id(), "example.com/chat*", "echo", "bob"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT));
        assertThat(store.lastChange()).as("a refused write is no change").isEqualTo(before);
        assertThat(store.createWorkerRoute(other.id(), "example.com/chat*", "chat", "bob").zoneId())
                .as("the same pattern in another zone").isEqualTo(other.id());

        StoredWorkerRoute moved = store.updateWorkerRoute(z.id(), chat.id(), "example.com/chat", "chat-v2", "bob");
        assertThat(store.workerRoute(z.id(), chat.id())).contains(moved);
        assertThat(moved.createdOn()).isEqualTo(chat.createdOn());
        assertThat(store.updateWorkerRoute(z.id(), chat.id(), "example.com/chat", "chat-v3", "bob").script())
                .as("a route keeps its own pattern").isEqualTo("chat-v3");
        assertThatThrownBy(() -> store.updateWorkerRoute(z.id(), "0".repeat(32), "example.com/x", "x", "bob"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> store.createWorkerRoute("0".repeat(32), "example.com/x", "x", "bob"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));

        assertThat(store.deleteWorkerRoute(z.id(), echo.id(), "bob")).isTrue();
        assertThat(store.deleteWorkerRoute(z.id(), echo.id(), "bob")).isFalse();
        List<AuditEntry> audit = store.audit(Set.of(z.id()), 1, 10).items();
        assertThat(audit).extracting(AuditEntry::action).startsWith("delete", "update", "update", "create", "create");
        assertThat(audit).extracting(AuditEntry::resourceType).startsWith("worker_route");
        assertThat(audit.get(2).before()).contains("\"example.com/chat*\"", "\"chat\"");
        assertThat(audit.get(2).after()).contains("\"example.com/chat\"", "\"chat-v2\"");

        store.deleteZone(z.id(), "alice");
        assertThat(store.workerRoutes(z.id())).as("gone with their zone").isEmpty();
        assertThat(store.workerRoutes(other.id())).hasSize(1);
    }

    @Test
    void settingsAreKeptAsJsonWithTheirTimeAndEveryChangeIsAudited() {
        StoredZone z = store.createZone("example.com", "alice");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("websockets", "\"off\"");
        values.put("min_tls_version", "\"1.3\"");
        store.putSettings(z.id(), values, "alice");
        store.putSettings(z.id(), Map.of("websockets", "\"on\""), "bob");
        Map<String, StoredSetting> settings = store.settings(z.id());
        assertThat(settings.get("websockets").jsonValue()).isEqualTo("\"on\"");
        assertThat(settings.get("min_tls_version").jsonValue()).isEqualTo("\"1.3\"");
        assertThat(settings.get("websockets").modifiedOn()).isAfterOrEqualTo(settings.get("min_tls_version").modifiedOn());

        List<AuditEntry> audit = store.audit(Set.of(z.id()), 1, 10).items();
        assertThat(audit).hasSize(4); // zone, two settings, one setting again: newest first
        AuditEntry last = audit.get(0);
        assertThat(last.actor()).isEqualTo("bob");
        assertThat(last.action()).isEqualTo("update");
        assertThat(last.resourceType()).isEqualTo("setting");
        assertThat(last.resourceId()).isEqualTo("websockets");
        assertThat(last.before()).contains("\\\"off\\\"");
        assertThat(last.after()).contains("\\\"on\\\"");
        assertThat(audit.get(0).seq()).isGreaterThan(audit.get(1).seq());
        assertThat(store.lastChange()).isEqualTo(3); // one version per write: the zone, then two settings writes
    }

    @Test
    void dnsRecordsAreCreatedUpdatedAndDeleted() {
        StoredZone z = store.createZone("example.com", "alice");
        StoredDnsRecord r = store.createDnsRecord(z.id(), "A", "ws.example.com", "192.0.2.10", true, 1, "alice");
        store.createDnsRecord(z.id(), "CNAME", "*.example.com", "origin.internal", true, 1, "alice");
        assertThat(store.dnsRecords(z.id())).extracting(StoredDnsRecord::name).containsExactly("*.example.com", "ws.example.com");
        StoredDnsRecord changed = store.updateDnsRecord(z.id(), r.id(), "AAAA", "ws.example.com", "2001:db8::10", true, 300, "bob");
        assertThat(store.dnsRecord(z.id(), r.id())).contains(changed);
        assertThat(changed.createdOn()).isEqualTo(r.createdOn());
        assertThatThrownBy(() -> store.updateDnsRecord(z.id(), "missing", "A", "x.example.com", "192.0.2.1", true, 1, "bob"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
        assertThat(store.deleteDnsRecord(z.id(), r.id(), "bob")).isTrue();
        assertThat(store.deleteDnsRecord(z.id(), r.id(), "bob")).isFalse();
        assertThat(store.dnsRecords(z.id())).hasSize(1);
    }

    @Test
    void aPhaseRulesetIsReplacedAndItsVersionGoesUp() {
        StoredZone z = store.createZone("example.com", "alice");
        StoredRuleset v1 = store.putRuleset(z.id(), "http_request_firewall_custom", "{\"rules\":[{\"expression\":\"true\",\"action\":\"log\"}]}", "alice");
        StoredRuleset v2 = store.putRuleset(z.id(), "http_request_firewall_custom", "{\"rules\":[]}", "bob");
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.id()).isEqualTo(v1.id());
        assertThat(store.ruleset(z.id(), "http_request_firewall_custom")).contains(v2);
        assertThat(store.ruleset(z.id(), "http_ratelimit")).isEmpty();
    }

    @Test
    void tokensAreFoundByTheHashOfTheirSecretAndTheAuditNeverHoldsTheHash() {
        StoredToken t = store.createToken("ci", "ab".repeat(32), Set.of("Zone Settings Write", "DNS Write"), Set.of(), "admin");
        assertThat(store.tokenByHash("ab".repeat(32))).contains(t);
        assertThat(store.tokenByHash("cd".repeat(32))).isEmpty();
        assertThat(t.permissions()).containsExactlyInAnyOrder("Zone Settings Write", "DNS Write");
        assertThat(store.audit(Set.of(), 1, 1).items().get(0).after()).contains("\"ci\"").doesNotContain("abab");
    }

    @Test
    void aTokenIsNeverStoredWithABlankOrMalformedZoneWhichWouldReadBackAsEveryZone() {
        for (String bad : new String[] {"", " ", ",", "a,b", "ABC"}) {
            assertThatThrownBy(
                    () -> store.createToken("ci", "ef".repeat(32), Set.of("DNS Write"), Set.of(bad), "admin"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.tokenByHash("ef".repeat(32))).isEmpty();
        String zone = "0123456789abcdef".repeat(2);
        assertThat(store.createToken("ci", "ef".repeat(32), Set.of("DNS Write"), Set.of(zone), "admin").zoneIds()).containsExactly(zone);
        assertThat(store.tokenByHash("ef".repeat(32)).orElseThrow().zoneIds()).containsExactly(zone);
    }

    /** A statement the database refuses is reported by its SQL and SQL state: the driver's message quotes the value, which may be a secret. */
    @Test
    void aFailedWriteIsReportedWithoutTheValueItCarried() {
        String secret = "secret-" + "s".repeat(600); // longer than the column
        assertThatThrownBy(() -> store.createList("office", "ip", secret, "admin"))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> {
                    assertThat(((StoreException) e).kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).startsWith("store: SQL state 22001").contains("INSERT INTO rules_lists").doesNotContain("secret-");
                    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                        assertThat(String.valueOf(cause.getMessage())).doesNotContain("secret-");
                    }
                });
        assertThat(store.lists()).isEmpty();
        // an actor longer than the audit log's column (a token named before names were limited) is shortened, not a failure
        StoredZone zone = store.createZone("a.example", "token:" + "0".repeat(32) + " (" + "n".repeat(300) + ")");
        assertThat(store.audit(Set.of(zone.id()), 1, 1).items().get(0).actor()).hasSize(200).endsWith("…");
    }
}
