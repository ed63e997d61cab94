package dev.pier.workers.runtime.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An object's storage on PostgreSQL: its rows of the shared key-value and alarm tables, and its SQL
 * database in a schema of its own, which the user's statements see as their only search path.
 * A call takes a connection from the pool; inside {@link #transaction} every call on this thread
 * uses the transaction's. Opened with a lease token ({@link ObjectLeases#fenced}), each transaction
 * checks before it commits that the token still holds the object's lease.
 */
final class PostgresObjectStorage extends JdbcObjectStorage {

    private final PostgresObjectStore store;
    private final ReentrantLock lock = new ReentrantLock();
    /** The connection of the call under way on the thread that holds {@link #lock}. */
    private Connection current;
    /** The object's SQL schema, known to be committed; null when not known. */
    private String sqlSchema;
    /** The lease token every commit checks; 0 for none (one node). */
    private final long leaseToken;
    private final String leaseCheck;

    /** @param leaseToken the token of the lease every commit checks; 0 for none */
    PostgresObjectStorage(ObjectRef ref, PostgresObjectStore store, long leaseToken) {
        super(ref, new KvTables(store.table("_pier_do_kv"), store.table("_pier_do_alarms"),
                List.of("namespace", "object_id"), List.of(ref.namespace(), ref.objectId())));
        this.store = store;
        this.leaseToken = leaseToken;
        // FOR SHARE: a takeover (an UPDATE of the row) waits until this transaction has committed
        this.leaseCheck = "SELECT 1 FROM " + store.table("_pier_do_leases") + " WHERE token = ? FOR SHARE";
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

    /**
     * The lease's token must still hold it: the row is read and share-locked in the transaction, so
     * no other node takes the object over between this check and the commit. The token alone
     * suffices: a claim always makes a new one, so it names this node's hold and no later one.
     */
    @Override
    void beforeCommit(Connection c) throws SQLException {
        if (leaseToken == 0) {
            return;
        }
        try (PreparedStatement q = c.prepareStatement(leaseCheck)) {
            q.setLong(1, leaseToken);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new LeaseLostException("commit on " + ref() + ": this node no longer holds the object's lease"
                            + " (another node runs it now); nothing was written");
                }
            }
        }
    }

    @Override
    void rolledBack() {
        // the schema may have been made by the transaction, or the savepoint, that rolled back
        sqlSchema = null;
    }
}
