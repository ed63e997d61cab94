package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.Certificates;
import dev.pier.control.store.StoreException;
import dev.pier.control.store.StoreKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --store} with the keys that encrypt private keys at rest as an operator gives them:
 * {@code PIER_STORE_KEY_FILE} or {@code PIER_STORE_KEY}, else the embedded store's own key file.
 */
class StoreKeysFromTheEnvironmentTest {

    @TempDir
    Path dir;

    @Test
    void anEmbeddedStoreUsesTheKeyFileTheEnvironmentNamesAndMakesNoneOfItsOwn() throws Exception {
        String key = StoreKeys.newKeyText();
        Path keyFile = Files.writeString(dir.resolve("pier.key"), key + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Path data = dir.resolve("data");
        try (ControlPlane plane = ControlPlane.open("embedded:" + data, Map.of("PIER_STORE_KEY_FILE", keyFile.toString()))) {
            store(plane);
        }
        assertThat(data.resolve("store.key")).doesNotExist();
        assertThat(storedPrivateKey(data)).startsWith("pier-aes256gcm:" + StoreKeys.parse(key, "k").ids().get(0) + ":");

        // the same store with another key: one clear error, before anything is served
        assertThatThrownBy(() -> ControlPlane.open("embedded:" + data, Map.of("PIER_STORE_KEY", StoreKeys.newKeyText())))
                .isInstanceOf(StoreException.class).hasNoCause()
                .hasMessageContaining("are encrypted with key " + StoreKeys.parse(key, "k").ids().get(0) + ", which is not among this"
                        + " node's keys (keys ");
    }

    @Test
    void withoutAKeyAnEmbeddedStoreMakesItsOwnInItsPrivateFolder() throws Exception {
        Path data = dir.resolve("data");
        try (ControlPlane plane = ControlPlane.open("embedded:" + data, Map.of())) {
            store(plane);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("store.key")))).isEqualTo("rw-------");
        String id = StoreKeys.read(data.resolve("store.key")).ids().get(0);
        assertThat(storedPrivateKey(data)).startsWith("pier-aes256gcm:" + id + ":");
    }

    private static void store(ControlPlane plane) {
        String zone = plane.store().createZone("example.com", "test").id();
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
        String id = plane.store().createCertificate(zone, pem.certificatePem(), pem.keyPem(), "test").id();
        assertThat(plane.store().certificate(zone, id).orElseThrow().privateKeyPem()).isEqualTo(pem.keyPem());
    }

    private static String storedPrivateKey(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.toAbsolutePath().resolve("pier-store"), "", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT private_key FROM zone_certificates")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
