package dev.pier.control.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** Private keys at rest in the embedded store: the H2 files' bytes are read as they are on disk. */
class EmbeddedEncryptionAtRestTest extends EncryptionAtRestContract {

    @TempDir
    Path dir;

    @Override
    protected Store open(StoreKeys keys) {
        return JdbcStore.embedded(dir, keys);
    }

    @Override
    protected String storedBytes() throws Exception {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("pier-store")).toList()) {
                out.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return out.toString();
    }

    /** A connection beside the store's, as another process gets one (H2's automatic mixed mode). */
    @Override
    protected Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("pier-store") + ";AUTO_SERVER=TRUE", "", "");
    }
}
