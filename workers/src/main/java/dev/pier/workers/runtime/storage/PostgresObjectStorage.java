package dev.pier.workers.runtime.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An object's storage on PostgreSQL: its rows of the shared key-value and alarm tables, and its SQL
 * database in a schema of its own, which the user's statements see as their only search path.
 * A call takes a connection from the pool; inside {@link #transaction} every call on this thread
 * uses the transaction's.
 */
final class PostgresObjectStorage extends JdbcObjectStorage {

    private final PostgresObjectStore store;
    private final ReentrantLock lock = new ReentrantLock();
    /** The connection of the call under way on the thread that holds {@link #lock}. */
    private Connection current;
    /** The object's SQL schema, known to be committed; null when not known. */
    private String sqlSchema;

    PostgresObjectStorage(ObjectRef ref, PostgresObjectStore store) {
        super(ref, new KvTables(store.table("_pier_do_kv"), store.table("_pier_do_alarms"),
                List.of("namespace", "object_id"), List.of(ref.namespace(), ref.objectId())));
        this.store = store;
    }

    @Override
    <T> T withConnection(Work<T> work) throws SQLException {
        lock.lock();
        try {
            if (current != null) {
                return work.run(current);
            }
            try (Connection c = store.connection()) {
                current = c;
                return work.run(c);
            } finally {
                current = null;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    boolean neverWritten() {
        return false;
    }

    @Override
    void enterUserSql(Connection c) throws SQLException {
        if (sqlSchema == null) {
            sqlSchema = store.createSqlSchema(c, ref());
        }
        try (Statement s = c.createStatement()) {
            // LOCAL: it ends with the transaction, so the pooled connection goes back as it came
            s.execute("SET LOCAL search_path TO " + sqlSchema);
        }
    }

    @Override
    void dropUserSql(Connection c) throws SQLException {
        store.dropSqlSchema(c, ref());
        sqlSchema = null;
    }

    @Override
    long databaseSize(Connection c, KvTables tables) throws SQLException {
        return store.sqlSchemaBytes(c, ref()) + tables.bytes(c);
    }

    @Override
    void rolledBack() {
        // the schema may have been made by the transaction, or the savepoint, that rolled back
        sqlSchema = null;
    }
}
