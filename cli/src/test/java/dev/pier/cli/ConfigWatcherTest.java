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
    void otherFilesInTheFolderDoNotMakeItReadTheConfigAgain(@TempDir Path dir) throws Exception {
        // A request log beside the config is written on every request.
        Path file = Files.writeString(dir.resolve("pier.yaml"), config("on"));
        Path log = dir.resolve("requests.ndjson");
        BlockingQueue<PierConfig> applied = new LinkedBlockingQueue<>();
        try (ConfigWatcher watcher = new ConfigWatcher(file, applied::add)) {
            for (int i = 0; i < 50; i++) {
                Files.writeString(log, "{}\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                Thread.sleep(20); // a second of writes: read again per change, the config would be read about ten times
            }
            Files.writeString(file, config("off")); // the change after them is still seen
            assertThat(applied.poll(5, TimeUnit.SECONDS).zones().get(0).settings().websockets()).isFalse();
            assertThat(watcher.rereads()).as("reads of the config caused by the folder's changes").isBetween(1, 3);
        }
    }

    @Test
    void aSymbolicLinkSwappedAsKubernetesDoesIsReloaded(@TempDir Path dir) throws Exception {
        // A ConfigMap volume: pier.yaml -> ..data/pier.yaml, ..data -> a timestamped folder, swapped by a rename.
        Path first = Files.createDirectory(dir.resolve("..2026_1"));
        Files.writeString(first.resolve("pier.yaml"), config("on"));
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("pier.yaml"), Path.of("..data/pier.yaml"));
        BlockingQueue<PierConfig> applied = new LinkedBlockingQueue<>();
        try (ConfigWatcher ignored = new ConfigWatcher(file, applied::add)) {
            Path second = Files.createDirectory(dir.resolve("..2026_2"));
            Files.writeString(second.resolve("pier.yaml"), config("off"));
            Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
            Files.move(swap, dir.resolve("..data"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            PierConfig next = applied.poll(5, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            assertThat(next.zones().get(0).settings().websockets()).isFalse();
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
