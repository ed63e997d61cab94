package dev.pier.control.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;

/**
 * The JDBC plumbing the store's repositories share: the connection pool and the schema's
 * migration, reads, writes that each commit as one change of the store's version (announced on
 * PostgreSQL to {@link #listen}ers), the transaction {@link #inTransaction} keeps open on its
 * thread, statements whose failures quote no values, and the row helpers.
 */
final class Jdbc implements AutoCloseable {


    private final HikariDataSource pool;
    /**
     * Where and as whom {@link #listen} opens its connection, on PostgreSQL, where a write notifies
     * the listeners as it commits; null for the embedded store, which has no NOTIFY.
     */
    private final String postgresUrl;
    private final String user;
    private final String password;
    /** The transaction {@link #inTransaction} opened on this thread, if any. */
    private final ThreadLocal<Transaction> transaction = new ThreadLocal<>();

    /** An open {@link #inTransaction}: its connection, and the first write that failed in it. */
    private static final class Transaction {
        final Connection connection;
        RuntimeException failed;

        Transaction(Connection connection) {
            this.connection = connection;
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private Jdbc(HikariDataSource pool, String url, String user, String password) {
        this.pool = pool;
        this.postgresUrl = url.startsWith("jdbc:postgresql:") ? url : null;
        this.user = user;
        this.password = password;
    }

    /** @throws StoreException UNAVAILABLE when the database cannot be reached */
    static Jdbc open(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("pier-store");
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(5_000);
        try {
            return new Jdbc(new HikariDataSource(config), url, user, password);
        } catch (RuntimeException e) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "store: cannot open " + redacted(url) + " (" + rootMessage(e) + ")", e);
        }
    }

    /** Brings the schema to the newest of {@code db/migration}. */
    void migrate() {
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    }

    /** A JDBC URL without its password, for messages: a secret never reaches a log. */
    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("(//)[^/@]*:[^/@]*@", "$1***@");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Timestamps are kept to the microsecond: what both databases store exactly. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    // ---------------------------------------------------------------- transactions

    /**
     * Runs {@code work} as one transaction: every write in it joins it, and it commits as one
     * change. Inside an open one, {@code work} joins that one.
     */
    <T> T inTransaction(Supplier<T> work) {
        if (transaction.get() != null) {
            return work.get();
        }
        return write(c -> {
            Transaction tx = new Transaction(c);
            transaction.set(tx);
            T result;
            try {
                result = work.get();
            } finally {
                transaction.remove();
            }
            if (tx.failed != null) {
                // the work caught a failed write and went on: it must not commit half (and on
                // PostgreSQL the transaction is aborted anyway)
                throw tx.failed;
            }
            return result;
        });
    }

    <T> T read(Work<T> work) {
        Transaction open = transaction.get();
        try {
            if (open != null) {
                return work.run(open.connection);
            }
            try (Connection c = pool.getConnection()) {
                return work.run(c);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * One transaction: all of it, with its audit entries, or nothing. Inside
     * {@link #inTransaction} it is part of that one, which commits and counts the change.
     */
    <T> T write(Work<T> work) {
        Transaction open = transaction.get();
        if (open != null) {
            try {
                return read(work);
            } catch (RuntimeException e) {
                if (open.failed == null) {
                    open.failed = e;
                }
                throw e;
            }
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                // last, so the row lock is held only while committing: writers commit in version order
                update(c, "UPDATE change_version SET version = version + 1 WHERE id = 1");
                if (notifies()) {
                    // delivered when the transaction commits, and not at all if it rolls back
                    all(c, "SELECT pg_notify('" + PostgresChangeListener.CHANNEL + "', current_schema())", rs -> null);
                }
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The store's version: one more after every {@link #write} that committed. */
    long lastChange() {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT version FROM change_version WHERE id = 1");
                 ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** True when {@link #listen} can hear other processes' commits: on PostgreSQL. */
    boolean notifies() {
        return postgresUrl != null;
    }

    /** Calls {@code listener} soon after any process commits a write, on a connection of its own; only where {@link #notifies}. */
    AutoCloseable listen(Runnable listener) {
        return new PostgresChangeListener(postgresUrl, user, password, listener);
    }

    /**
     * Rewrites the embedded store's file with {@code SHUTDOWN COMPACT}, so that what was replaced
     * is gone from it and not only from its tables: H2 writes new pages beside the old ones and
     * reuses their space only in time. It closes the database, so it is done only when no other
     * process uses it (their sessions come through the server of the process that opened the
     * file, with a client address); the pool then opens it again.
     *
     * @return true if the file was rewritten, false when another process has it open
     */
    boolean compactEmbeddedFile() throws SQLException {
        try (Connection c = pool.getConnection()) {
            int others = all(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE CLIENT_ADDR IS NOT NULL", rs -> rs.getInt(1)).get(0);
            if (others > 0) {
                return false;
            }
            update(c, "SHUTDOWN COMPACT");
            pool.getHikariPoolMXBean().softEvictConnections(); // every connection of the pool was to the database just closed
            return true;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    // ---------------------------------------------------------------- statements and rows

    /**
     * A failure of the database as the log may show it. Statements run through {@link #all} and
     * {@link #update} fail with their SQL and state only; a connection that could not be had
     * says why (the pool's and the driver's words hold no values); anything else gives its state.
     */
    private static StoreException unavailable(SQLException e) {
        boolean connection = e instanceof java.sql.SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException
                || e.getSQLState() != null && e.getSQLState().startsWith("08");
        String message = e instanceof ValuelessSqlException || connection ? e.getMessage()
                : "SQL state " + e.getSQLState() + ", error " + e.getErrorCode();
        return new StoreException(StoreException.Kind.UNAVAILABLE, "store: " + message, e instanceof ValuelessSqlException || connection ? e : null);
    }

    /** A failed statement's SQL state, error code and SQL, without the driver's message. */
    private static final class ValuelessSqlException extends SQLException {
        ValuelessSqlException(SQLException e, String sql) {
            super("SQL state " + e.getSQLState() + ", error " + e.getErrorCode() + " in: " + sql, e.getSQLState(), e.getErrorCode());
            setStackTrace(e.getStackTrace());
        }
    }

    static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        List<T> rows = all(c, sql, row, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    static <T> List<T> all(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw withoutValues(e, sql);
        }
    }

    static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, args);
            q.executeUpdate();
        } catch (SQLException e) {
            throw withoutValues(e, sql);
        }
    }

    /** Every row of a query over a table with a {@code zone_id}, grouped by it, in the query's order. */
    static <T> Map<String, List<T>> byZone(Connection c, String sql, Row<T> row) throws SQLException {
        Map<String, List<T>> out = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString("zone_id"), zone -> new ArrayList<>()).add(row.map(rs));
            }
        }
        return out;
    }

    /**
     * A failed statement as the log may show it: its SQL (parameters are never in it), the SQL
     * state and the database's error code. The driver's own message is left out, and with it
     * the values: H2 quotes the value that did not fit, PostgreSQL a duplicate key's, and either
     * may be a secret (a private key, a token's name, a rule's content).
     */
    private static SQLException withoutValues(SQLException e, String sql) {
        return e instanceof ValuelessSqlException ? e : new ValuelessSqlException(e, sql);
    }

    static void bind(PreparedStatement q, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            q.setObject(i + 1, args[i]);
        }
    }

    static OffsetDateTime ts(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
