package dev.pier.control.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL: the development machine's, 127.0.0.1:5432, database
 * {@code test}, trust authentication. Each test gets a schema of its own.
 */
class PostgresStoreTest extends StoreContract {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";

    private String schema;

    @Override
    protected Store open() throws Exception {
        schema = "pier_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        return JdbcStore.postgres(SERVER + "?currentSchema=" + schema, "postgres", "");
    }

    /** Runs before the contract's own clean-up: close, then leave the test database as it was. */
    @AfterEach
    void dropSchema() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void anUnreachableDatabaseIsAClearError() {
        assertThatThrownBy(() -> JdbcStore.postgres("jdbc:postgresql://127.0.0.1:1/test", "postgres", ""))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("store: cannot open jdbc:postgresql://127.0.0.1:1/test");
    }
}
