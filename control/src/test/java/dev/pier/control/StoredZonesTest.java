package dev.pier.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.CertificateFiles;
import dev.pier.config.Certificates;
import dev.pier.config.ConfigException;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.config.SecurityHeader;
import dev.pier.config.UrlNormalization;
import dev.pier.config.Zone;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredDnsRecord;
import dev.pier.control.store.StoredWorkerRoute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config as code: a YAML file's zones into the store, the store's zones out as YAML, and back, unchanged. */
class StoredZonesTest {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static final String FILE = """
            listeners: [ { address: 127.0.0.1:8080 } ]
            lists:
              office: ["192.0.2.0/24", "2001:db8::/32"]
            workers:
              - { name: chat, class: com.example.Chat }
            zones:
              - name: example.com
                settings: { websockets: off, idle_timeout: 60s, keepalive: 30s, ssl: full, min_tls_version: "1.3", proxy_read_timeout: 30s,
                            url_normalization: { type: rfc3986, scope: both },
                            security_header: { strict_transport_security: { enabled: true, max_age: 31536000, nosniff: true } } }
                dns_records:
                  - { type: A, name: example.com, content: 192.0.2.10 }
                  - { type: CNAME, name: "*.example.com", content: origin.internal }
                rulesets:
                  - phase: http_request_firewall_custom
                    rules:
                      - { id: no-admin, expression: 'http.request.uri.path eq "/admin"', action: block }
                  - phase: http_ratelimit
                    rules:
                      - { id: rl, expression: "true", action: block, ratelimit: { characteristics: [ip.src], period: 10, requests_per_period: 5 } }
                workers_routes:
                  - { pattern: "example.com/chat*", script: chat }
                  - { pattern: "*.example.com/*", script: chat }
            """;

    @Test
    void aFilesZonesRoundTripThroughTheStoreAndYaml(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pier.yaml"), FILE);
        List<Zone> expected = ConfigLoader.load(file).zones();
        try (Store store = TestStores.embedded(); Store again = TestStores.embedded()) {
            assertThat(StoredZones.importYaml(file, store, "test")).containsExactly("example.com");
            assertThat(StoredZones.load(store)).usingRecursiveComparison().ignoringCollectionOrder().isEqualTo(expected);

            assertThat(expected.get(0).settings().securityHeader()).isEqualTo(new SecurityHeader(true, 31_536_000, false, false, true));
            String zone = store.zones("example.com", 1, 1).items().get(0).id();
            assertThat(JSON.readTree(store.settings(zone).get("security_header").jsonValue())).as("stored in Cloudflare's shape")
                    .isEqualTo(JSON.readTree("{\"strict_transport_security\":{\"enabled\":true,\"max_age\":31536000,"
                            + "\"include_subdomains\":false,\"preload\":false,\"nosniff\":true}}"));

            assertThat(expected.get(0).workerRoutes()).hasSize(2);
            String yaml = StoredZones.exportYaml(store);
            assertThat(yaml).contains("security_header:", "strict_transport_security:", "max_age: 31536000");
            assertThat(yaml).as("a zones-only export: its routes name scripts the serving node's file has")
                    .contains("workers_routes:").doesNotContain("workers:\n");
            Path exported = Files.writeString(dir.resolve("exported.yaml"), yaml);
            StoredZones.importYaml(exported, again, "test");
            assertThat(StoredZones.load(again)).usingRecursiveComparison().ignoringCollectionOrder().isEqualTo(expected);

            assertThat(again.listsWithItems()).isEqualTo(store.listsWithItems());
            assertThat(store.listsWithItems()).containsEntry("office", List.of("192.0.2.0/24", "2001:db8::/32"));

            // importing again is declarative: the zone ends up as the file says, nothing doubles, nothing stays behind
            String zoneId = store.zones("example.com", 1, 1).items().get(0).id();
            store.putRuleset(zoneId, "http_request_origin", "{\"rules\": []}", "someone");
            store.createDnsRecord(zoneId, "A", "mail.example.com", "192.0.2.25", false, 300, "someone"); // DNS only
            List<String> proxiedIds = store.dnsRecords(zoneId).stream().filter(StoredDnsRecord::proxied).map(StoredDnsRecord::id).toList();
            store.createWorkerRoute(zoneId, "example.com/extra", "extra", "someone");
            StoredWorkerRoute chat = store.workerRoutes(zoneId).stream().filter(r -> r.pattern().equals("example.com/chat*")).findFirst()
                    .orElseThrow();
            store.updateWorkerRoute(zoneId, chat.id(), chat.pattern(), "other", "someone");
            long before = store.lastChange();
            StoredZones.importYaml(file, store, "test");
            assertThat(store.lastChange()).as("an import is one change for the edges").isEqualTo(before + 1);
            assertThat(store.dnsRecords(zoneId)).as("a DNS-only record, which no file holds, stays")
                    .anySatisfy(r -> assertThat(r.name()).isEqualTo("mail.example.com"));
            assertThat(store.dnsRecords(zoneId).stream().filter(StoredDnsRecord::proxied).map(StoredDnsRecord::id))
                    .as("records the file still has keep their ids").containsExactlyInAnyOrderElementsOf(proxiedIds);
            assertThat(store.workerRoutes(zoneId)).extracting(StoredWorkerRoute::pattern).as("routes the file lacks go")
                    .containsExactlyInAnyOrder("example.com/chat*", "*.example.com/*");
            assertThat(store.workerRoute(zoneId, chat.id()).orElseThrow().script()).as("a route the file has keeps its id, with the file's script")
                    .isEqualTo("chat");

            assertThat(StoredZones.load(store)).usingRecursiveComparison().ignoringCollectionOrder().isEqualTo(expected);
            assertThat(store.ruleset(zoneId, "http_request_origin")).isEmpty();
            // a setting the file leaves out goes back to its default
            assertThat(StoredZones.load(store).get(0).settings().urlNormalization())
                    .isEqualTo(new UrlNormalization(UrlNormalization.Type.RFC3986, UrlNormalization.Scope.BOTH));
            StoredZones.importYaml(Files.writeString(dir.resolve("no-timeout.yaml"), FILE.replace(", proxy_read_timeout: 30s", "")
                            .replace(",\n                url_normalization: { type: rfc3986, scope: both },\n"
                            + "                security_header: { strict_transport_security: { enabled: true, max_age: 31536000, nosniff: true } }", "")), store, "test");
            assertThat(StoredZones.load(store).get(0).settings().proxyReadTimeout()).isNull();
            assertThat(store.settings(zoneId)).doesNotContainKey("proxy_read_timeout");
            assertThat(StoredZones.load(store).get(0).settings().urlNormalization()).isEqualTo(UrlNormalization.DEFAULT);
            assertThat(store.settings(zoneId)).doesNotContainKey("url_normalization");
            assertThat(StoredZones.load(store).get(0).settings().securityHeader()).isEqualTo(SecurityHeader.OFF);
            assertThat(store.settings(zoneId)).doesNotContainKey("security_header");
        }
    }

    @Test
    void theEdgesConfigurationIsReadAtOneVersionOfTheStore(@TempDir Path dir) throws Exception {
        PierConfig base = ConfigLoader.parse("listeners: [ { address: 127.0.0.1:8080 } ]", dir);
        try (Store store = TestStores.embedded()) {
            String a = store.createZone("a.example", "test").id();
            String b = store.createZone("b.example", "test").id();
            AtomicBoolean writing = new AtomicBoolean(true);
            // one writer keeps flipping both zones in one transaction: they are always alike in the store
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; writing.get(); i++) {
                    String value = i % 2 == 0 ? "\"off\"" : "\"on\"";
                    store.inTransaction(tx -> {
                        tx.putSettings(a, Map.of("websockets", value), "flipper");
                        return tx.putSettings(b, Map.of("websockets", value), "flipper");
                    });
                }
            });
            try {
                int consistent = 0;
                for (int i = 0; i < 200; i++) {
                    List<Zone> zones;
                    try {
                        zones = StoredZones.config(base, store, null).zones();
                    } catch (ConfigException busy) {
                        continue; // the store changed through every attempt: no configuration rather than a torn one
                    }
                    assertThat(zones.get(0).settings().websockets()).as("read %d", i).isEqualTo(zones.get(1).settings().websockets());
                    consistent++;
                }
                assertThat(consistent).isPositive();
            } finally {
                writing.set(false);
                writer.join();
            }
        }
    }

    @Test
    void zoneCertificatesAreImportedOnceAndGivenToTheEdgeAsPrivateFiles(@TempDir Path dir) throws Exception {
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com", "*.example.com");
        pem.write(dir.resolve("example.pem"), dir.resolve("example.key"));
        Path file = Files.writeString(dir.resolve("pier.yaml"), FILE.replace("    dns_records:\n",
                "    certificates: [ { certificate: example.pem, key: example.key } ]\n    dns_records:\n"));
        try (Store store = TestStores.embedded(); CertificateFolder folder = CertificateFolder.create()) {
            StoredZones.importYaml(file, store, "test");
            StoredZones.importYaml(file, store, "test"); // the same certificate is kept once
            String zoneId = store.zones("example.com", 1, 1).items().get(0).id();
            assertThat(store.certificates(zoneId)).hasSize(1);

            CertificateFiles files = StoredZones.load(store, folder).get(0).certificates().get(0);
            assertThat(Files.readString(files.certificate())).isEqualTo(pem.certificatePem());
            assertThat(Files.readString(files.key())).isEqualTo(pem.keyPem());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.key()))).isEqualTo("rw-------");
            assertThat(StoredZones.load(store, folder).get(0).certificates()).as("unchanged: the same files").containsExactly(files);

            // a deleted certificate's key does not stay on disk once the next configuration is built
            PierConfig base = ConfigLoader.parse("listeners: [ { address: 127.0.0.1:8080 } ]", dir);
            String kept = store.certificates(zoneId).get(0).id();
            Certificates.SelfSigned other = Certificates.selfSigned("www.example.com");
            String removed = store.createCertificate(zoneId, other.certificatePem(), other.keyPem(), "test").id();
            List<CertificateFiles> both = StoredZones.config(base, store, folder).zones().get(0).certificates();
            assertThat(both).hasSize(2).allSatisfy(f -> assertThat(f.key()).exists());
            store.deleteCertificate(zoneId, removed, "test");
            assertThat(StoredZones.config(base, store, folder).zones().get(0).certificates()).containsExactly(files);
            assertThat(both.get(1).key()).doesNotExist();
            assertThat(both.get(1).certificate()).doesNotExist();
            assertThat(files.key()).exists();
            assertThat(kept).isNotEqualTo(removed);

            // an export never holds a private key, and importing it back keeps the stored certificate
            String exported = StoredZones.exportYaml(store);
            assertThat(exported).doesNotContain("PRIVATE KEY");
            StoredZones.importYaml(Files.writeString(dir.resolve("exported.yaml"), exported), store, "test");
            assertThat(store.certificates(zoneId)).hasSize(1);

            folder.close();
            assertThat(folder.dir()).doesNotExist();
        }
    }

    @Test
    void anOriginCaRoundTripsAsItsPemTextAndAFileWithoutOneClearsIt(@TempDir Path dir) throws Exception {
        Certificates.SelfSigned ca = Certificates.selfSigned("ca.example");
        Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        Path file = Files.writeString(dir.resolve("pier.yaml"), FILE.replace("    dns_records:\n",
                "    origin_ca: ca.pem\n    dns_records:\n"));
        try (Store store = TestStores.embedded(); Store again = TestStores.embedded()) {
            StoredZones.importYaml(file, store, "test");
            assertThat(StoredZones.load(store).get(0).originCa()).isEqualTo(ca.certificatePem());
            String exported = StoredZones.exportYaml(store);
            assertThat(exported).contains("origin_ca").contains("BEGIN CERTIFICATE");
            StoredZones.importYaml(Files.writeString(dir.resolve("exported.yaml"), exported), again, "test");
            assertThat(StoredZones.load(again).get(0).originCa()).isEqualTo(ca.certificatePem());

            // declarative: the file without origin_ca takes it away
            StoredZones.importYaml(Files.writeString(dir.resolve("plain.yaml"), FILE), store, "test");
            assertThat(StoredZones.load(store).get(0).originCa()).isNull();
        }
    }

    @Test
    void aCertificateThatDoesNotMatchItsKeyIsRefusedAndNothingWritten(@TempDir Path dir) throws Exception {
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
        pem.write(dir.resolve("example.pem"), dir.resolve("example.key"));
        Certificates.selfSigned("example.com").write(dir.resolve("other.pem"), dir.resolve("other.key"));
        Path mismatched = Files.writeString(dir.resolve("pier.yaml"), FILE.replace("    dns_records:\n",
                "    certificates: [ { certificate: example.pem, key: other.key } ]\n    dns_records:\n"));
        try (Store store = TestStores.embedded()) {
            assertThatThrownBy(() -> StoredZones.importYaml(mismatched, store, "test")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("zones[example.com].certificates").hasMessageContaining("example.pem")
                    .hasMessageEndingWith("private_key: the private key does not match the certificate");
            assertThat(store.lastChange()).isZero();
        }
    }

    @Test
    void aFileThatDoesNotLoadWritesNothing(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), FILE.replace("period: 10", "period: 11"));
        try (Store store = TestStores.embedded()) {
            assertThatThrownBy(() -> StoredZones.importYaml(file, store, "test")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("ratelimit.period: 11");
            assertThat(store.lastChange()).isZero();
        }
    }

    /** A zones-only file (what export writes) names scripts the serving nodes have; its routes are checked as the API checks them. */
    @Test
    void aZonesOnlyFilesRoutesNeedNoWorkersButAreCheckedWhole(@TempDir Path dir) throws Exception {
        String zonesOnly = FILE.substring(FILE.indexOf("zones:")).replace("script: chat }\n", "script: echo }\n");
        try (Store store = TestStores.embedded()) {
            StoredZones.importYaml(Files.writeString(dir.resolve("zones.yaml"), zonesOnly), store, "test");
            assertThat(StoredZones.load(store).get(0).workerRoutes()).extracting(r -> r.script()).containsOnly("echo");
            long before = store.lastChange();
            for (String[] bad : new String[][] {
                    {"example.com/chat*", "zones[0].workers_routes[0].pattern: 'example.org/chat*' is not in zone example.com"},
                    {"*.example.com/*", "zones[0].workers_routes[1].pattern: 'example.com/chat*' appears twice"}}) {
                String replaced = bad[0].equals("example.com/chat*") ? "example.org/chat*" : "example.com/chat*";
                Path file = Files.writeString(dir.resolve("bad.yaml"), zonesOnly.replace("\"" + bad[0] + "\"", "\"" + replaced + "\""));
                assertThatThrownBy(() -> StoredZones.importYaml(file, store, "test")).isInstanceOf(ConfigException.class)
                        .hasMessageContaining(bad[1]);
            }
            assertThat(store.lastChange()).as("nothing written").isEqualTo(before);
        }
    }
}
