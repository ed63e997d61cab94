package dev.pier.workers.runtime.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL backend, which several nodes share: every object's key-value pairs and alarm in
 * the tables of one schema of the store's own (so its migrations never meet another module's),
 * and each object's SQL database in a schema of its own, named in {@code _pier_do_sql_schemas}.
 * Every connection commits with {@code synchronous_commit = on}, so a commit is on the server's
 * disk when it returns, whatever the server's default.
 */
final class PostgresObjectStore implements ObjectStore {

    static final String DEFAULT_SCHEMA = "pier_durable_objects";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final HikariDataSource pool;
    private final String schema;
    private final ObjectLeases leases;

    private PostgresObjectStore(HikariDataSource pool, String schema) {
        this.pool = pool;
        this.schema = schema;
        this.leases = new ObjectLeases(this);
    }

    /** @throws StorageException when the database cannot be reached or migrated */
    static PostgresObjectStore open(String jdbcUrl, String user, String password, String schema) {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema: " + schema + " (expected: a lowercase PostgreSQL name, at most 63 characters)");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("pier-object-storage");
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(5_000);
        config.setConnectionInitSql("SET synchronous_commit TO on");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StorageException("storage: cannot open " + withoutQuery(jdbcUrl) + " (" + rootMessage(e) + ")", e);
        }
        try {
            Flyway.configure().dataSource(pool).schemas(schema).defaultSchema(schema).createSchemas(true)
                    .locations("classpath:dev/pier/workers/runtime/storage/postgres").load().migrate();
            return new PostgresObjectStore(pool, schema);
        } catch (RuntimeException e) {
            pool.close();
            throw new StorageException("storage: cannot migrate schema " + schema + " (" + rootMessage(e) + ")", e);
        }
    }

    @Override
    public ObjectStorage open(String namespace, String objectId) {
        return new PostgresObjectStorage(new ObjectRef(namespace, objectId), this, 0);
    }

    @Override
    public Optional<ObjectLeases> leases() {
        return Optional.of(leases);
    }

    @Override
    public List<ObjectRef> dueAlarms(long nowMillis) {
        try (Connection c = pool.getConnection()) {
            return DueAlarms.in(c, table("_pier_do_alarms"), nowMillis);
        } catch (SQLException e) {
            throw new StorageException("storage: cannot read alarms: " + e.getMessage(), e);
        }
    }

    /** A table of the store's schema, qualified: the user's SQL runs with a search path that does not include it. */
    String table(String name) {
        return schema + "." + name;
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** The schema of the object's SQL database, if it has one. */
    Optional<String> sqlSchema(Connection c, ObjectRef ref) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT schema_name FROM " + table("_pier_do_sql_schemas")
                + " WHERE namespace = ? AND object_id = ?")) {
            q.setString(1, ref.namespace());
            q.setString(2, ref.objectId());
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * The schema of the object's SQL database, created with the open transaction if it has none;
     * when another node creates it at the same time, the one that commits first is the one.
     */
    String createSqlSchema(Connection c, ObjectRef ref) throws SQLException {
        Optional<String> existing = sqlSchema(c, ref);
        if (existing.isPresent()) {
            return existing.get();
        }
        String name = "pier_do_" + HexFormat.of().formatHex(randomBytes(12));
        try (PreparedStatement q = c.prepareStatement("INSERT INTO " + table("_pier_do_sql_schemas")
                + " (namespace, object_id, schema_name) VALUES (?, ?, ?) ON CONFLICT (namespace, object_id) DO NOTHING")) {
            q.setString(1, ref.namespace());
            q.setString(2, ref.objectId());
            q.setString(3, name);
            if (q.executeUpdate() == 0) {
                return sqlSchema(c, ref).orElseThrow();
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        }
        return name;
    }

    /** The bytes of the tables in the object's SQL schema, their indexes and TOAST included; 0 when it has none. */
    long sqlSchemaBytes(Connection c, ObjectRef ref) throws SQLException {
        Optional<String> existing = sqlSchema(c, ref);
        if (existing.isEmpty()) {
            return 0;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT coalesce(sum(pg_total_relation_size(t.oid)), 0) FROM pg_class t"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relkind IN ('r', 'm')")) {
            q.setString(1, existing.get());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Drops the object's SQL database, with the open transaction. */
    void dropSqlSchema(Connection c, ObjectRef ref) throws SQLException {
        Optional<String> existing = sqlSchema(c, ref);
        if (existing.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + existing.get() + " CASCADE");
        }
        try (PreparedStatement q = c.prepareStatement("DELETE FROM " + table("_pier_do_sql_schemas") + " WHERE namespace = ? AND object_id = ?")) {
            q.setString(1, ref.namespace());
            q.setString(2, ref.objectId());
            q.executeUpdate();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** A JDBC URL without its query, where a password may be: a secret never reaches a log. */
    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public void close() {
        pool.close();
    }
}
