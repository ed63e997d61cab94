package dev.pier.workers.runtime.storage;

import dev.pier.workers.ListOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * An object's storage on a JDBC connection, the same on both backends: limits checked before
 * anything is sent, the key-value statements of {@link KvTables}, the user's SQL after
 * {@link UserSqlPolicy}, and transactions. A write runs in a transaction of its own, or, inside
 * {@link #transaction}, in a savepoint of the open one, so a failed statement there undoes only
 * itself. A backend provides the connection and what differs: where the user's SQL lives.
 */
abstract class JdbcObjectStorage implements ObjectStorage {

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final ObjectRef ref;
    private final KvTables tables;
    /**
     * A commit inside the open transaction changed the alarm, so the backend hears of it when the
     * transaction ends; touched only by the thread that holds the connection.
     */
    private boolean alarmChangedInTransaction;

    JdbcObjectStorage(ObjectRef ref, KvTables tables) {
        this.ref = ref;
        this.tables = tables;
    }

    /**
     * Runs {@code work} with this thread's exclusive use of the object's connection; nested in
     * another call on this thread (inside {@link #transaction}), on the same connection.
     */
    abstract <T> T withConnection(Work<T> work) throws SQLException;

    /** True when the object has never been written, so a read can answer without touching a database. */
    abstract boolean neverWritten();

    /** Makes the object's SQL database the one the user's statements see, inside the open transaction. */
    abstract void enterUserSql(Connection c) throws SQLException;

    /** Drops every table, view and trigger of the user's SQL database, inside the open transaction. */
    abstract void dropUserSql(Connection c) throws SQLException;

    /** The bytes of the object's data: its SQL database and key-value pairs. */
    abstract long databaseSize(Connection c, KvTables tables) throws SQLException;

    /** Called before a commit that sets the alarm to {@code at}, or deletes it (null). */
    void alarmWillChange(Long at) {
    }

    /** Called when a transaction that changed the alarm has ended, committed or rolled back. */
    void alarmMayHaveChanged() {
    }

    /** Called when a transaction, or a savepoint of one, has rolled back. */
    void rolledBack() {
    }

    /**
     * Called in each transaction (not a savepoint) just before it commits; what it throws rolls the
     * transaction back.
     */
    void beforeCommit(Connection c) throws SQLException {
    }

    @Override
    public ObjectRef ref() {
        return ref;
    }

    @Override
    public byte[] get(String key) {
        return get(List.of(key)).get(key);
    }

    @Override
    public Map<String, byte[]> get(Collection<String> keys) {
        StorageLimits.checkKeyCount(keys);
        List<byte[]> encoded = keys.stream().distinct().map(StorageLimits::checkKey).toList();
        if (neverWritten()) {
            return Map.of();
        }
        return run("get", c -> tables.get(c, encoded));
    }

    @Override
    public List<Map.Entry<String, byte[]>> list(ListOptions options) {
        if (neverWritten()) {
            return List.of();
        }
        return run("list", c -> tables.list(c, options));
    }

    @Override
    public OptionalLong alarm() {
        if (neverWritten()) {
            return OptionalLong.empty();
        }
        return run("alarm", tables::alarm);
    }

    @Override
    public void commit(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (batch.changesAlarm()) {
            alarmWillChange(batch.alarmAt());
        }
        run("commit", c -> inTransaction(c, batch.changesAlarm(), () -> {
            if (batch.deletesAll()) {
                tables.deleteAll(c);
                dropUserSql(c);
            }
            tables.write(c, batch.writes());
            if (batch.changesAlarm()) {
                tables.setAlarm(c, batch.alarmAt());
            }
            return null;
        }));
    }

    @Override
    public SqlCursor exec(String sql, Object... bindings) {
        StorageLimits.checkSql(sql, bindings);
        List<SqlScript.Statement> statements = SqlScript.split(sql);
        if (statements.isEmpty()) {
            throw new StorageException("sql: no statement (expected: at least one)");
        }
        statements.forEach(UserSqlPolicy::check);
        return run("exec", c -> inTransaction(c, false, () -> {
            enterUserSql(c);
            long written = 0;
            for (SqlScript.Statement statement : statements.subList(0, statements.size() - 1)) {
                try (Statement s = c.createStatement()) {
                    s.execute(statement.sql());
                    written += Math.max(0, s.getUpdateCount());
                }
            }
            return execute(c, statements.get(statements.size() - 1).sql(), bindings, written);
        }));
    }

    @Override
    public <T> T transaction(Function<ObjectStorage, T> work) {
        return run("transaction", c -> inTransaction(c, false, () -> work.apply(this)));
    }

    @Override
    public long databaseSize() {
        if (neverWritten()) {
            return 0;
        }
        return run("databaseSize", c -> databaseSize(c, tables));
    }

    @FunctionalInterface
    private interface Body<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code body} in a new transaction, or in a savepoint of the one open on {@code c}; the
     * backend hears when a transaction in which the alarm may have changed ends.
     */
    private <T> T inTransaction(Connection c, boolean mayChangeAlarm, Body<T> body) throws SQLException {
        if (!c.getAutoCommit()) {
            alarmChangedInTransaction |= mayChangeAlarm;
            Savepoint savepoint = c.setSavepoint();
            try {
                T result = body.run();
                c.releaseSavepoint(savepoint);
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                c.rollback(savepoint);
                rolledBack();
                throw e;
            }
        }
        c.setAutoCommit(false);
        boolean committed = false;
        try {
            T result = body.run();
            beforeCommit(c);
            c.commit();
            committed = true;
            return result;
        } finally {
            if (!committed) {
                rollbackQuietly(c);
                rolledBack();
            }
            c.setAutoCommit(true);
            if (mayChangeAlarm || alarmChangedInTransaction) {
                alarmChangedInTransaction = false;
                alarmMayHaveChanged();
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; what the transaction wrote is not committed either way
        }
    }

    private static SqlCursor execute(Connection c, String sql, Object[] bindings, long writtenBefore) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < bindings.length; i++) {
                q.setObject(i + 1, binding(i, bindings[i]));
            }
            if (!q.execute()) {
                return new SqlCursor(List.of(), List.of(), 0, writtenBefore + Math.max(0, q.getUpdateCount()));
            }
            try (ResultSet rs = q.getResultSet()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnLabel(i));
                }
                List<Object[]> rows = new ArrayList<>();
                while (rs.next()) {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = value(rs.getObject(i + 1));
                    }
                    rows.add(row);
                }
                return new SqlCursor(columns, rows, rows.size(), writtenBefore);
            }
        }
    }

    private static Object binding(int index, Object value) {
        if (value == null || value instanceof String || value instanceof byte[] || value instanceof Boolean
                || value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof Double || value instanceof Float) {
            return value;
        }
        throw new StorageException("bindings[" + index + "]: a " + value.getClass().getName()
                + " (expected: null, a string, a number, a boolean or bytes)");
    }

    /** Integers as Long and floating point as Double, whatever width the driver chose. */
    private static Object value(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    private <T> T run(String operation, Work<T> work) {
        try {
            return withConnection(work);
        } catch (SQLException e) {
            throw new StorageException(operation + " on " + ref + ": " + e.getMessage(), e);
        }
    }
}
