package dev.pier.bench;

import dev.pier.config.Certificates;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.control.CertificateFolder;
import dev.pier.control.StoredZones;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a node spends reading the store's zones on every change, before it builds its snapshot
 * ({@link SnapshotBenchmark}): {@code zones} zones, each with two settings, a proxied record, a
 * custom ruleset and a certificate, in the embedded store or in PostgreSQL (127.0.0.1:5432,
 * database {@code test}, a schema of its own, dropped afterwards).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoredZonesBenchmark {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

    @Param({"embedded", "postgres"})
    public String store;

    @Param({"1000"})
    public int zones;

    private Path dir;
    private String schema;
    private Store opened;
    private CertificateFolder certificates;
    private PierConfig base;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("pier-stored-zones-bench");
        if (store.equals("embedded")) {
            opened = JdbcStore.embedded(dir);
        } else {
            schema = "pier_bench_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            opened = JdbcStore.postgres(POSTGRES + "?currentSchema=" + schema, "postgres", "",
                    StoreKeys.parse(StoreKeys.newKeyText(), "StoredZonesBenchmark"));
        }
        opened.inTransaction(tx -> {
            for (int z = 0; z < zones; z++) {
                String name = "zone" + z + ".example";
                String id = tx.createZone(name, "bench").id();
                tx.putSettings(id, Map.of("websockets", "\"on\"", "min_tls_version", "\"1.2\""), "bench");
                tx.createDnsRecord(id, "A", name, "127.0.0.1", true, 1, "bench");
                tx.putRuleset(id, "http_request_firewall_custom",
                        "{\"rules\":[{\"expression\":\"http.request.uri.path eq \\\"/x\\\"\",\"action\":\"block\"}]}", "bench");
                Certificates.SelfSigned pem = Certificates.selfSigned(name);
                tx.createCertificate(id, pem.certificatePem(), pem.keyPem(), "bench");
            }
            return null;
        });
        certificates = CertificateFolder.create();
        base = ConfigLoader.parse("listeners: [ { address: 127.0.0.1:0 } ]\nzones: []\n", dir);
    }

    @TearDown
    public void tearDown() throws Exception {
        certificates.close();
        opened.close();
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Benchmark
    public PierConfig read() {
        return StoredZones.config(base, opened, certificates);
    }
}
