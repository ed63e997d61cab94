package dev.pier.workers.runtime.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import org.sqlite.SQLiteConfig;

/**
 * The node's index of alarms on the embedded backend, so that a restart finds the due ones
 * without opening every object's database. An object's own database holds its alarm; this index
 * is a hint that is never later than it: before a commit sets an alarm the index is lowered to
 * it, after the commit it is set to what the object holds. A crash between the two leaves an entry
 * that is too early or stale, never one that is too late, and {@link SqliteObjectStore#dueAlarms}
 * checks each candidate against the object and corrects the entry.
 */
final class SqliteAlarmIndex implements AutoCloseable {

    static final String FILE_NAME = "_pier_alarms.sqlite";

    private final Connection connection;

    SqliteAlarmIndex(Path dataDirectory) {
        try {
            SqliteFiles.createDirectory(dataDirectory);
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(5_000);
            connection = config.createConnection("jdbc:sqlite:" + dataDirectory.resolve(FILE_NAME));
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS alarms (namespace TEXT NOT NULL, object_id TEXT NOT NULL, at INTEGER NOT NULL,"
                        + " PRIMARY KEY (namespace, object_id)) WITHOUT ROWID");
                s.execute("CREATE INDEX IF NOT EXISTS alarms_at ON alarms (at)");
            }
        } catch (SQLException e) {
            throw new StorageException("storage: cannot open the alarm index in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    /** Makes the object's entry no later than {@code at}. */
    synchronized void lower(ObjectRef ref, long at) {
        update("INSERT INTO alarms (namespace, object_id, at) VALUES (?, ?, ?)"
                + " ON CONFLICT (namespace, object_id) DO UPDATE SET at = min(at, excluded.at)", ref.namespace(), ref.objectId(), at);
    }

    /** Makes the object's entry what its database holds. */
    synchronized void set(ObjectRef ref, OptionalLong at) {
        if (at.isPresent()) {
            update("INSERT INTO alarms (namespace, object_id, at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (namespace, object_id) DO UPDATE SET at = excluded.at", ref.namespace(), ref.objectId(), at.getAsLong());
        } else {
            update("DELETE FROM alarms WHERE namespace = ? AND object_id = ?", ref.namespace(), ref.objectId());
        }
    }

    /** Objects whose entry is at or before {@code nowMillis}, the earliest first. */
    synchronized List<ObjectRef> candidates(long nowMillis) {
        try {
            return DueAlarms.in(connection, "alarms", nowMillis);
        } catch (SQLException e) {
            throw new StorageException("storage: cannot read the alarm index: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement q = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                q.setObject(i + 1, args[i]);
            }
            q.executeUpdate();
        } catch (SQLException e) {
            throw new StorageException("storage: cannot write the alarm index: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StorageException("storage: cannot close the alarm index: " + e.getMessage(), e);
        }
    }
}
