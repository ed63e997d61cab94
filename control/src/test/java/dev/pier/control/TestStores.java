package dev.pier.control;

import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreKeys;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Fresh, empty stores for tests: an embedded H2 in a temporary folder, or PostgreSQL (the
 * development machine's, 127.0.0.1:5432, database {@code test}, trust authentication) in a
 * schema of its own, dropped by {@link #dropSchemas()} after the test class.
 */
public final class TestStores {

    public static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final List<String> SCHEMAS = new ArrayList<>();
    /** The key every PostgreSQL test store encrypts private keys with, so a second store on the same schema reads them. */
    public static final StoreKeys KEYS = StoreKeys.parse(StoreKeys.newKeyText(), "TestStores.KEYS");

    private TestStores() {
    }

    public static Store embedded() throws Exception {
        return JdbcStore.embedded(Files.createTempDirectory("pier-store"));
    }

    public static synchronized Store postgres() throws Exception {
        String schema = "pier_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        SCHEMAS.add(schema);
        return JdbcStore.postgres(lastPostgresUrl(), "postgres", "", KEYS);
    }

    /** The URL of the schema {@link #postgres()} made last: a second store on the same data, as another node has. */
    public static synchronized String lastPostgresUrl() {
        return POSTGRES + "?currentSchema=" + SCHEMAS.get(SCHEMAS.size() - 1);
    }

    /** Leaves the test database as it was (the stores must be closed first). */
    public static synchronized void dropSchemas() throws Exception {
        try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "")) {
            for (String schema : SCHEMAS) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
        SCHEMAS.clear();
    }
}
