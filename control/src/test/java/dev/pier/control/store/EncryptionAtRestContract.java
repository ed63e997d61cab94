package dev.pier.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.config.Certificates;
import dev.pier.control.api.ApiRequest;
import dev.pier.control.api.ApiResponse;
import dev.pier.control.api.ControlApi;
import dev.pier.control.api.Permission;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 10, medium 6: the store's bytes held certificates' private keys. They are encrypted at
 * rest (AES-256-GCM, the key's id beside each value): an upload through the API leaves no PEM
 * key in the database's bytes, its audit entries or the node's log; a missing or wrong key is
 * one clear error when the store opens; keys stored before encryption, and keys under an older
 * key, are encrypted with the current key when it opens. Run on each store.
 */
abstract class EncryptionAtRestContract {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String A_TEXT = StoreKeys.newKeyText();
    static final String B_TEXT = StoreKeys.newKeyText();
    static final StoreKeys A = StoreKeys.parse(A_TEXT, "key A");
    static final StoreKeys B = StoreKeys.parse(B_TEXT, "key B");

    /** Opens the same store (the same data each time in a test) with these keys. */
    protected abstract Store open(StoreKeys keys) throws Exception;

    /**
     * Every byte the store keeps, as text: the database files of the embedded store (read after
     * it closed, so nothing is left in memory), every row of every table on PostgreSQL.
     */
    protected abstract String storedBytes() throws Exception;

    /** A connection to the store's database, past the store. */
    protected abstract java.sql.Connection connect() throws Exception;

    /** Runs SQL on the store's database directly, past the store. */
    protected void execute(String sql, Object... args) throws Exception {
        try (java.sql.Connection c = connect(); java.sql.PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                q.setObject(i + 1, args[i]);
            }
            q.executeUpdate();
        }
    }

    /** The private_key column as the database holds it, by certificate id. */
    protected Map<String, String> privateKeyColumn() throws Exception {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (java.sql.Connection c = connect();
             java.sql.PreparedStatement q = c.prepareStatement("SELECT id, private_key FROM zone_certificates ORDER BY id");
             java.sql.ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private final List<Store> opened = new ArrayList<>();

    Store store(StoreKeys keys) throws Exception {
        Store store = open(keys);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Store::close);
    }

    @Test
    void anUploadThroughTheApiLeavesNoPrivateKeyInTheStoreItsAuditOrTheLog() throws Exception {
        Store store = store(A);
        ControlApi api = new ControlApi(store);
        String ssl = api.credentials().issueToken("ssl", EnumSet.of(Permission.SSL_WRITE, Permission.SSL_READ), Set.of(), "test");
        String zone = store.createZone("example.com", "test").id();
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com", "*.example.com");
        Certificates.SelfSigned renewed = Certificates.selfSigned("example.com");

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        StringBuilder answers = new StringBuilder();
        try {
            String path = "/zones/" + zone + "/custom_certificates";
            ApiResponse created = call(api, "POST", path, ssl, JSON.createObjectNode().put("certificate", pem.certificatePem())
                    .put("private_key", pem.keyPem()).toString());
            assertThat(created.status()).as(created.json()).isEqualTo(200);
            String id = JSON.readTree(created.json()).path("result").path("id").asText();
            answers.append(created.json());
            answers.append(call(api, "GET", path, ssl, null).json());
            answers.append(call(api, "GET", path + "/" + id, ssl, null).json());
            answers.append(call(api, "PATCH", path + "/" + id, ssl, JSON.createObjectNode().put("certificate", renewed.certificatePem())
                    .put("private_key", renewed.keyPem()).toString()).json());
            String admin = api.credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
            answers.append(call(api, "GET", "/accounts/pier/audit_logs?per_page=100", admin, null).json());

            // the edge still gets the key itself
            assertThat(store.certificate(zone, id).orElseThrow().privateKeyPem()).isEqualTo(renewed.keyPem());
            assertThat(privateKeyColumn().get(id)).startsWith(PrivateKeyCipher.PREFIX + A.ids().get(0) + ":");
        } finally {
            root.detachAppender(logged);
        }
        store.close();
        String stored = storedBytes();
        assertThat(stored).as("the database has the certificate, as text").contains(body(renewed.certificatePem()).substring(0, 40));
        for (Certificates.SelfSigned key : List.of(pem, renewed)) {
            String secret = body(key.keyPem()).substring(0, 40);
            assertThat(stored).as("the store's bytes").doesNotContain("PRIVATE KEY").doesNotContain(secret);
            assertThat(answers).as("the API's answers, the audit log's included").doesNotContain("PRIVATE KEY").doesNotContain(secret);
            assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).as("the log")
                    .noneMatch(line -> line.contains("PRIVATE KEY") || line.contains(secret));
        }
    }

    @Test
    void aStoreWithoutTheKeyItNeedsDoesNotOpenAndSaysWhichKey() throws Exception {
        Store store = store(A);
        String zone = store.createZone("example.com", "test").id();
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
        String id = store.createCertificate(zone, pem.certificatePem(), pem.keyPem(), "test").id();
        store.close();

        String a = A.ids().get(0);
        String b = B.ids().get(0);
        assertThatThrownBy(() -> store(B)).isInstanceOf(StoreException.class).hasNoCause()
                .hasMessage("store: the private keys of 1 of its 1 certificates (" + id + ") are encrypted with key " + a + ", which is not"
                        + " among this node's keys (keys " + b + " from key B); give it the key file that holds it"
                        + " (docs/OPERATIONS.md, \"The store's key\")");
        assertThatThrownBy(() -> store(StoreKeys.none())).isInstanceOf(StoreException.class)
                .hasMessageContaining("are encrypted with key " + a + ", which is not among this node's keys (no key (neither"
                        + " PIER_STORE_KEY_FILE nor PIER_STORE_KEY is set))");
        assertThat(store(A).certificate(zone, id).orElseThrow().privateKeyPem()).as("the right key still reads it").isEqualTo(pem.keyPem());
    }

    @Test
    void aNewKeyFirstReEncryptsEveryPrivateKeyWhenTheStoreOpensThenTheOldKeyCanGo() throws Exception {
        Store store = store(A);
        String zone = store.createZone("example.com", "test").id();
        List<Certificates.SelfSigned> pems = List.of(Certificates.selfSigned("example.com"), Certificates.selfSigned("a.example.com"));
        List<String> ids = new ArrayList<>();
        for (Certificates.SelfSigned pem : pems) {
            ids.add(store.createCertificate(zone, pem.certificatePem(), pem.keyPem(), "test").id());
        }
        store.close();

        StoreKeys newFirst = StoreKeys.parse(B_TEXT + "\n" + A_TEXT + "\n", "B then A");
        Logger log = (Logger) LoggerFactory.getLogger(JdbcStore.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            store(newFirst).close();
        } finally {
            log.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("store: encrypted 2 private keys with key "
                + B.ids().get(0) + " (0 had been stored unencrypted, the others under an older key)");
        assertThat(privateKeyColumn().values()).allSatisfy(v -> assertThat(v).startsWith(PrivateKeyCipher.PREFIX + B.ids().get(0) + ":"));

        Store withoutTheOldKey = store(B);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(withoutTheOldKey.certificate(zone, ids.get(i)).orElseThrow().privateKeyPem()).isEqualTo(pems.get(i).keyPem());
        }
    }

    @Test
    void keysStoredBeforeEncryptionAreEncryptedWhenTheStoreOpensWithAKey() throws Exception {
        Store store = store(StoreKeys.none());
        String zone = store.createZone("example.com", "test").id();
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
        // as a Pier from before encryption stored it
        String id = Ids.newId();
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        execute("INSERT INTO zone_certificates (id, zone_id, certificate, private_key, uploaded_on, modified_on) VALUES (?, ?, ?, ?, ?, ?)",
                id, zone, pem.certificatePem(), pem.keyPem(), now, now);
        assertThat(privateKeyColumn().get(id)).isEqualTo(pem.keyPem());
        assertThat(store.certificate(zone, id).orElseThrow().privateKeyPem()).as("read as it is while there is no key")
                .isEqualTo(pem.keyPem());
        store.close();

        Store encrypted = store(A);
        assertThat(privateKeyColumn().get(id)).startsWith(PrivateKeyCipher.PREFIX + A.ids().get(0) + ":").doesNotContain("PRIVATE KEY");
        assertThat(encrypted.certificate(zone, id).orElseThrow().privateKeyPem()).isEqualTo(pem.keyPem());
        encrypted.close();
        assertThat(storedBytes()).as("the store's bytes once it closed").doesNotContain("PRIVATE KEY")
                .doesNotContain(body(pem.keyPem()).substring(0, 40));
    }

    @Test
    void withoutAKeyAPrivateKeyIsRefusedAndNothingIsWritten() throws Exception {
        Store store = store(StoreKeys.none());
        ControlApi api = new ControlApi(store);
        String ssl = api.credentials().issueToken("ssl", EnumSet.of(Permission.SSL_WRITE), Set.of(), "test");
        String zone = store.createZone("example.com", "test").id();
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
        long before = store.lastChange();
        ApiResponse refused = call(api, "POST", "/zones/" + zone + "/custom_certificates", ssl, JSON.createObjectNode()
                .put("certificate", pem.certificatePem()).put("private_key", pem.keyPem()).toString());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(JSON.readTree(refused.json()).path("errors").get(0).path("code").asInt()).isEqualTo(1000);
        assertThat(JSON.readTree(refused.json()).path("errors").get(0).path("message").asText()).isEqualTo("Private keys cannot be stored"
                + " on this node: it has no key to encrypt them at rest (PIER_STORE_KEY_FILE or PIER_STORE_KEY is to be set; see"
                + " docs/OPERATIONS.md)");
        assertThat(store.certificates(zone)).isEmpty();
        assertThat(store.lastChange()).isEqualTo(before);
    }

    @Test
    void aValueMovedToAnotherCertificateDoesNotDecrypt() throws Exception {
        Store store = store(A);
        String zone = store.createZone("example.com", "test").id();
        Certificates.SelfSigned one = Certificates.selfSigned("example.com");
        Certificates.SelfSigned two = Certificates.selfSigned("a.example.com");
        String first = store.createCertificate(zone, one.certificatePem(), one.keyPem(), "test").id();
        String second = store.createCertificate(zone, two.certificatePem(), two.keyPem(), "test").id();
        store.close();
        // someone with write access to the database gives the first certificate the second's key
        execute("UPDATE zone_certificates SET private_key = ? WHERE id = ?", privateKeyColumn().get(second), first);
        assertThatThrownBy(() -> store(A)).isInstanceOf(StoreException.class).hasMessage("store: the private key of certificate " + first
                + " does not decrypt with key " + A.ids().get(0) + ": the stored value was altered or belongs to another certificate");
    }

    private static ApiResponse call(ControlApi api, String method, String path, String token, String body) {
        int q = path.indexOf('?');
        Map<String, List<String>> query = q < 0 ? Map.of() : Map.of(path.substring(q + 1).split("=")[0], List.of(path.split("=")[1]));
        return api.handle(new ApiRequest(method, q < 0 ? path : path.substring(0, q), query, Map.of("authorization", "Bearer " + token),
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The base64 between a PEM block's BEGIN and END lines, on one line. */
    static String body(String pem) {
        return pem.substring(pem.indexOf('\n') + 1, pem.indexOf("-----END")).replace("\n", "");
    }
}
