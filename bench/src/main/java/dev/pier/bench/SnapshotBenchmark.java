package dev.pier.bench;

import dev.pier.config.Certificates;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.edge.http.EdgeContext;
import dev.pier.waf.WafRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * What a node spends turning a changed configuration into the snapshot it serves: every zone
 * with its own certificate, ten custom rules and the managed ruleset, behind a TLS listener.
 * Any change (one zone's websockets setting, say) costs a whole new snapshot, so this is the
 * part of "a change reaches every node within a second" that grows with the number of zones.
 * {@code change}: {@code first} builds from nothing; {@code one-setting} builds the snapshot
 * after one zone's setting changed, from the one before it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SnapshotBenchmark {

    @Param({"100", "1000"})
    public int zones;

    @Param({"first", "one-setting"})
    public String change;

    private Path dir;
    private WafRuntime runtime;
    private PierConfig before;
    private PierConfig after;
    private EdgeContext.Snapshot previous;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("pier-snapshot-bench");
        Certificates.selfSigned("default.test").write(dir.resolve("default.pem"), dir.resolve("default.key"));
        runtime = WafRuntime.local();
        before = config("on");
        after = config("off");
        previous = EdgeContext.Snapshot.of(before, runtime);
    }

    private PierConfig config(String firstZoneWebsockets) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners: [ { address: 127.0.0.1:8443, tls: on } ]
                tls: { default_certificate: { certificate: default.pem, key: default.key } }
                zones:
                """);
        for (int z = 0; z < zones; z++) {
            String name = "zone" + z + ".example";
            Path pem = dir.resolve(name + ".pem");
            if (!Files.exists(pem)) {
                Certificates.selfSigned(name, "*." + name).write(pem, dir.resolve(name + ".key"));
            }
            yaml.append("  - name: ").append(name).append('\n')
                    .append("    settings: { websockets: ").append(z == 0 ? firstZoneWebsockets : "on").append(" }\n")
                    .append("    certificates: [ { certificate: ").append(name).append(".pem, key: ").append(name).append(".key } ]\n")
                    .append("    dns_records: [ { type: A, name: ").append(name).append(", content: 127.0.0.1 } ]\n")
                    .append("    rulesets:\n      - phase: http_request_firewall_custom\n        rules:\n");
            for (int i = 0; i < 10; i++) {
                String e = RulesBenchmark.SHAPES[i % RulesBenchmark.SHAPES.length].replace("%d", Integer.toString(i));
                yaml.append("          - { action: block, expression: '").append(e.replace("'", "''")).append("' }\n");
            }
            yaml.append("""
                          - phase: http_request_firewall_managed
                            rules:
                              - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }
                    """);
        }
        return ConfigLoader.parse(yaml.toString(), dir);
    }

    @TearDown
    public void tearDown() throws Exception {
        runtime.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @Benchmark
    public EdgeContext.Snapshot build() {
        return change.equals("first") ? EdgeContext.Snapshot.of(after, runtime) : EdgeContext.Snapshot.of(after, runtime, previous);
    }
}
