package dev.pier.analytics.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/** The PostgreSQL the tests use (127.0.0.1:5432, database test), a schema of each test's own. */
final class TestPostgres {

    static final String URL = System.getProperty("pier.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private TestPostgres() {
    }

    static String newSchema() {
        return "pier_analytics_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    static PostgresAnalyticsStore open(String schema, Retention retention) {
        return PostgresAnalyticsStore.open(URL, schema, retention);
    }

    static void drop(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
