package dev.pier.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The store contract on the embedded H2 database, which also survives a restart. */
class EmbeddedStoreTest extends StoreContract {

    private Path dir;

    @Override
    protected Store open() throws Exception {
        dir = Files.createTempDirectory("pier-store");
        return JdbcStore.embedded(dir);
    }

    @Test
    void whatWasWrittenIsThereAfterARestart() {
        StoredZone z = store.createZone("example.com", "alice");
        store.close();
        store = JdbcStore.embedded(dir);
        assertThat(store.zone(z.id())).contains(z);
        assertThat(store.lastChange()).isEqualTo(1);
    }
}
