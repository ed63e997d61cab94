package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.PierProcesses;
import dev.pier.config.Certificates;
import dev.pier.control.StoredZones;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code pier serve --store} process writes the store's certificates, keys included, in
 * a private folder of its temporary directory, and a SIGTERM (systemd's stop, Ctrl+C) leaves no
 * key behind.
 */
class CertificateFolderProcessTest {

    @TempDir
    Path dir;

    List<Path> certificateFolders(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("pier-certificates")).toList();
        }
    }

    @Test
    void aStopLeavesNoKeyBehind() throws Exception {
        Certificates.selfSigned("example.com").write(dir.resolve("example.pem"), dir.resolve("example.key"));
        Certificates.selfSigned("default.test").write(dir.resolve("default.pem"), dir.resolve("default.key"));
        Path zones = Files.writeString(dir.resolve("zones.yaml"), """
                zones:
                  - name: example.com
                    certificates: [ { certificate: example.pem, key: example.key } ]
                """);
        try (Store store = JdbcStore.embedded(dir.resolve("store"))) {
            StoredZones.importYaml(zones, store, "test");
        }
        Path node = Files.writeString(dir.resolve("node.yaml"), """
                listeners: [ { address: 127.0.0.1:0, tls: on } ]
                tls: { default_certificate: { certificate: default.pem, key: default.key } }
                """);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        Process pier = PierProcesses.start(dir, "pier", List.of("-Djava.io.tmpdir=" + tmp),
                "serve", "--config", node.toString(), "--store", "embedded:" + dir.resolve("store"));
        try {
            PierProcesses.awaitListening(PierProcesses.loggedPort(dir, "pier", "Listening on"));
            List<Path> folders = certificateFolders(tmp);
            assertThat(folders).hasSize(1);
            try (Stream<Path> files = Files.list(folders.get(0))) {
                assertThat(files.map(f -> f.getFileName().toString())).hasSize(2).anyMatch(n -> n.endsWith(".key"));
            }
        } finally {
            pier.destroy(); // SIGTERM
            assertThat(pier.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(certificateFolders(tmp)).as("emptied and removed at the stop").isEmpty();
    }
}
