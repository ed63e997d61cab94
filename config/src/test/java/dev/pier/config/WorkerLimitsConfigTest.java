package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JavaScript Worker's {@code limits:} in the node's file and wrangler's {@code [limits]}; Cloudflare's defaults without them. */
class WorkerLimitsConfigTest {

    @TempDir
    Path dir;

    static String yaml(String worker) {
        return """
                listeners:
                  - address: 127.0.0.1:8080
                workers:
                  - %s
                zones: []
                """.formatted(worker);
    }

    WorkerScript only(String worker) {
        return ConfigLoader.parse(yaml(worker), dir).workers().get(0);
    }

    @Test
    void withoutLimitsAWorkerHasCloudflaresDefaults() {
        assertThat(only("{ name: a, main_module: a.js }").limits()).isEqualTo(new WorkerLimits(30_000, 128L << 20, 10_000));
    }

    @Test
    void eachLimitIsOptionalAndMemoryIsASize() {
        assertThat(only("{ name: a, main_module: a.js, limits: { cpu_ms: 50 } }").limits())
                .isEqualTo(new WorkerLimits(50, 128L << 20, 10_000));
        assertThat(only("{ name: a, main_module: a.js, limits: { cpu_ms: 300000, memory: 64MiB, subrequests: 50 } }").limits())
                .isEqualTo(new WorkerLimits(300_000, 64L << 20, 50));
    }

    @Test
    void badLimitsSayWhatIsExpected() {
        assertThatThrownBy(() -> only("{ name: a, main_module: a.js, limits: { cpu_ms: 0 } }"))
                .hasMessageContaining("cpu_ms: '0' (expected: a number from 1 to 300000)");
        assertThatThrownBy(() -> only("{ name: a, main_module: a.js, limits: { cpu_ms: 300001 } }"))
                .hasMessageContaining("(expected: a number from 1 to 300000)");
        assertThatThrownBy(() -> only("{ name: a, main_module: a.js, limits: { memory: lots } }"))
                .hasMessageContaining("memory: 'lots' (expected: a size such as 65536, 64KiB or 16MiB)");
        assertThatThrownBy(() -> only("{ name: a, main_module: a.js, limits: { memory: 1000 } }"))
                .hasMessageContaining("limits: memory: 1000 bytes (expected: at least 1MiB)");
        assertThatThrownBy(() -> only("{ name: a, main_module: a.js, limits: { wall_ms: 5 } }"))
                .hasMessageContaining("wall_ms");
        assertThatThrownBy(() -> only("{ name: j, class: com.example.J, limits: { cpu_ms: 5 } }"))
                .hasMessageContaining("limits: beside class (expected: limits only with main_module: Java Workers have none)");
    }

    @Test
    void wranglersLimitsTableIsRead() throws Exception {
        Files.writeString(dir.resolve("wrangler.toml"), """
                name = "w"
                main = "src/index.js"
                compatibility_date = "2025-01-01"

                [limits]
                cpu_ms = 100
                subrequests = 20
                """);
        assertThat(WranglerProject.read(dir.resolve("wrangler.toml")).script().limits()).isEqualTo(new WorkerLimits(100, 128L << 20, 20));
        Files.writeString(dir.resolve("wrangler.toml"), """
                name = "w"
                main = "src/index.js"
                [limits]
                memory = 5
                """);
        assertThatThrownBy(() -> WranglerProject.read(dir.resolve("wrangler.toml"))).hasMessageContaining("memory");
    }
}
