package dev.pier.control.store;

import dev.pier.control.TestStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Private keys at rest on PostgreSQL: every row of every table of the store's schema is read with SQL. */
class PostgresEncryptionAtRestTest extends EncryptionAtRestContract {

    private String schema;

    @BeforeEach
    void createSchema() throws Exception {
        schema = "pier_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void dropSchema() throws Exception {
        closeStores();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Override
    protected Store open(StoreKeys keys) {
        return JdbcStore.postgres(TestStores.POSTGRES + "?currentSchema=" + schema, "postgres", "", keys);
    }

    @Override
    protected Connection connect() throws Exception {
        return DriverManager.getConnection(schema == null ? TestStores.POSTGRES : TestStores.POSTGRES + "?currentSchema=" + schema,
                "postgres", "");
    }

    @Override
    protected String storedBytes() throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = connect()) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT table_name FROM information_schema.tables WHERE table_schema = ?")) {
                q.setString(1, schema);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            for (String table : tables) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + schema + "." + table)) {
                    while (rs.next()) {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            out.append(rs.getString(i)).append('\n');
                        }
                    }
                }
            }
        }
        return out.toString();
    }
}
