package dev.pier.control.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.control.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The store contract on PostgreSQL, each test in a schema of its own. */
class PostgresStoreTest extends StoreContract {

    @Override
    protected Store open() throws Exception {
        return TestStores.postgres();
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        TestStores.dropSchemas();
    }

    @Test
    void anUnreachableDatabaseIsAClearError() {
        assertThatThrownBy(() -> JdbcStore.postgres("jdbc:postgresql://127.0.0.1:1/test", "postgres", "", StoreKeys.none()))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("store: cannot open jdbc:postgresql://127.0.0.1:1/test");
    }
}
