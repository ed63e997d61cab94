package dev.pier.workers.runtime.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Object stores on the development machine's PostgreSQL (127.0.0.1:5432, database {@code test},
 * trust authentication), each test's in a schema of its own, dropped with every object's SQL
 * schema by {@link #drop}. Public for the runtime's tests of objects on PostgreSQL.
 */
public final class TestPostgres {

    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";

    private TestPostgres() {
    }

    public static String newSchema() {
        return "pier_do_test_" + UUID.randomUUID().toString().replace("-", "");
    }

    public static ObjectStore open(String schema) {
        return PostgresObjectStore.open(URL, USER, "", schema);
    }

    /** Leaves the test database as it was; the stores on {@code schema} must be closed. */
    public static void drop(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
            List<String> objectSchemas = new ArrayList<>();
            try (ResultSet exists = s.executeQuery("SELECT to_regclass('" + schema + "._pier_do_sql_schemas') IS NOT NULL")) {
                exists.next();
                if (exists.getBoolean(1)) {
                    try (ResultSet rs = s.executeQuery("SELECT schema_name FROM " + schema + "._pier_do_sql_schemas")) {
                        while (rs.next()) {
                            objectSchemas.add(rs.getString(1));
                        }
                    }
                }
            }
            for (String objectSchema : objectSchemas) {
                s.execute("DROP SCHEMA IF EXISTS " + objectSchema + " CASCADE");
            }
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
