package dev.pier.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pier.config.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 10, medium 6: the embedded store was mode 0644 in a 0755 folder. Its folder is 0700
 * from the start, every file in it is its owner's alone, and a folder left open by an older
 * Pier (or by hand) is closed when the store opens, with a warning that says so.
 */
class EmbeddedStoreFilesTest {

    @TempDir
    Path parent;

    @Test
    void aFreshStoreIsAPrivateFolderOfPrivateFiles() throws Exception {
        Path dir = parent.resolve("data").resolve("store"); // neither exists yet
        try (Store store = JdbcStore.embedded(dir)) {
            String zone = store.createZone("example.com", "test").id();
            Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
            store.createCertificate(zone, pem.certificatePem(), pem.keyPem(), "test");
            assertThat(mode(dir)).isEqualTo("rwx------");
            assertThat(modes(dir)).as("H2's files and the store's key while it is open")
                    .containsKeys("pier-store.mv.db", "pier-store.lock.db", "store.key")
                    .allSatisfy((name, mode) -> assertThat(mode).as(name).isEqualTo("rw-------"));
        }
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(modes(dir)).as("after it closed").containsKeys("pier-store.mv.db", "store.key")
                .allSatisfy((name, mode) -> assertThat(mode).as(name).isEqualTo("rw-------"));
        assertThat(mode(dir.getParent())).as("parents made on the way keep the usual mode").isNotEqualTo("rwx------");
    }

    @Test
    void aFolderOthersCanReadIsClosedWithAWarning() throws Exception {
        Path dir = parent.resolve("store");
        try (Store store = JdbcStore.embedded(dir)) {
            store.createZone("example.com", "test");
        }
        // as an older Pier left it: 0755 and 0644 (the umask's modes), and a file of the operator's
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        Files.writeString(dir.resolve("notes.txt"), "backups at 03:00");
        Files.setPosixFilePermissions(dir.resolve("notes.txt"), PosixFilePermissions.fromString("rw-rw-r--"));

        Logger log = (Logger) LoggerFactory.getLogger(PrivateDirectory.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try (Store store = JdbcStore.embedded(dir)) {
            assertThat(store.zones("example.com", 1, 1).totalCount()).isEqualTo(1);
            assertThat(mode(dir)).isEqualTo("rwx------");
            assertThat(modes(dir)).allSatisfy((name, mode) -> assertThat(mode).as(name).isEqualTo("rw-------"));
        } finally {
            log.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                dir.toAbsolutePath() + " was rwxr-xr-x, open to other users; it holds the store and its keys, so it is now rwx------"
                        + " (owner only)",
                dir.toAbsolutePath() + ": notes.txt, pier-store.mv.db, store.key could be read by other users; they are now readable by"
                        + " their owner only");

        logged.list.clear();
        log.addAppender(logged);
        try (Store store = JdbcStore.embedded(dir)) {
            assertThat(store.zones(null, 1, 1).totalCount()).isEqualTo(1);
        } finally {
            log.detachAppender(logged);
        }
        assertThat(logged.list).as("a private folder opens quietly").isEmpty();
    }

    @Test
    void aFolderThatCannotBeMadePrivateIsAClearError() throws Exception {
        Path file = Files.writeString(parent.resolve("not-a-folder"), "x");
        assertThatThrownBy(() -> JdbcStore.embedded(file)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("store: cannot make " + file.toAbsolutePath() + " readable by its owner only (");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** Every entry of a folder and its mode, sorted by name. */
    private static Map<String, String> modes(Path dir) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                out.put(file.getFileName().toString(), mode(file));
            }
        }
        return out;
    }
}
