package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloads come from file changes and from SIGHUP; a broken file keeps the running config. */
class ConfigWatcherTest {

    static String config(String websockets) {
        return config("example.com", websockets);
    }

    static String config(String zone, String websockets) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                zones:
                  - name: %1$s
                    settings:
                      websockets: %2$s
                    dns_records:
                      - { type: A, name: %1$s, content: 127.0.0.1 }
                """.formatted(zone, websockets);
    }

    @Test
    void aChangedFileIsReloaded(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pier.yaml"), config("on"));
        BlockingQueue<PierConfig> applied = new LinkedBlockingQueue<>();
        try (ConfigWatcher ignored = new ConfigWatcher(file, applied::add)) {
            Files.writeString(file, config("off"));
            PierConfig next = applied.poll(5, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            assertThat(next.zones().get(0).settings().websockets()).isFalse();

            Files.writeString(file, "listeners: [ broken"); // reported, not applied
            assertThat(applied.poll(1, TimeUnit.SECONDS)).isNull();
            Files.writeString(file, config("on"));
            assertThat(applied.poll(5, TimeUnit.SECONDS).zones().get(0).settings().websockets()).isTrue();
        }
    }

    @Test
    void aChangeThatKeepsSizeAndTimestampIsReloaded(@TempDir Path dir) throws Exception {
        // As `cp -p` or `rsync -t` leave it, or two saves within one tick of the file system's clock.
        Path file = Files.writeString(dir.resolve("pier.yaml"), config("example.com", "on"));
        FileTime written = Files.getLastModifiedTime(file);
        BlockingQueue<PierConfig> applied = new LinkedBlockingQueue<>();
        try (ConfigWatcher ignored = new ConfigWatcher(file, applied::add)) {
            Files.writeString(file, config("example.org", "on"));
            Files.setLastModifiedTime(file, written);
            PierConfig next = applied.poll(5, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            assertThat(next.zones().get(0).name()).isEqualTo("example.org");
        }
    }

    @Test
    void sighupReloads(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pier.yaml"), config("on"));
        BlockingQueue<PierConfig> applied = new LinkedBlockingQueue<>();
        try (ConfigWatcher ignored = new ConfigWatcher(file, applied::add, false)) {
            Files.writeString(file, config("off"));
            assertThat(applied.poll(500, TimeUnit.MILLISECONDS)).as("not watching the file").isNull();
            new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start().waitFor();
            PierConfig next = applied.poll(5, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            assertThat(next.zones().get(0).settings().websockets()).isFalse();
            assertThat(ConfigLoader.load(file)).isEqualTo(next);
        }
    }
}
