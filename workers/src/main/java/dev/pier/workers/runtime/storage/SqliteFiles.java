package dev.pier.workers.runtime.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;

/**
 * The objects' SQLite databases that are open, at most {@code capacity} of them: the least
 * recently used one that no thread is using is closed when another must open. One connection per
 * database, used by one thread at a time; a thread may use it again inside its own use (a
 * transaction's statements). Every database is in WAL mode with {@code synchronous=FULL}: a
 * commit has reached the disk when it returns.
 */
final class SqliteFiles implements AutoCloseable {

    /** Cloudflare's maximum row size, with room for a row's header beside a key and value at their limit. */
    private static final int MAX_ROW_BYTES = StorageLimits.MAX_ENTRY_BYTES + 1024;

    private final int capacity;
    /** In access order: the eldest is the least recently used. */
    private final LinkedHashMap<Path, File> open = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    private static final class File {
        final Path path;
        final ReentrantLock lock = new ReentrantLock();
        /** Threads using or waiting for it, counted under the map's monitor: a pinned file is never closed. */
        int pins;
        /** Opened on first use, under {@link #lock}. */
        Connection connection;

        File(Path path) {
            this.path = path;
        }
    }

    SqliteFiles(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: at least 1)");
        }
        this.capacity = capacity;
    }

    /** True when the database exists, open or on disk. */
    synchronized boolean exists(Path path) {
        return open.containsKey(path) || Files.exists(path);
    }

    synchronized int openCount() {
        return (int) open.values().stream().filter(f -> f.connection != null).count();
    }

    /** Runs {@code work} on the database at {@code path}, created with the storage's tables if it is new. */
    <T> T use(Path path, JdbcObjectStorage.Work<T> work) throws SQLException {
        File file;
        synchronized (this) {
            if (closed) {
                throw new StorageException("storage: the store is closed");
            }
            file = open.computeIfAbsent(path, File::new);
            file.pins++;
        }
        try {
            file.lock.lock();
            try {
                if (file.connection == null) {
                    file.connection = connect(file.path);
                }
                return work.run(file.connection);
            } finally {
                file.lock.unlock();
            }
        } finally {
            closeAll(unpinAndEvict(file));
        }
    }

    private synchronized List<File> unpinAndEvict(File file) {
        file.pins--;
        List<File> evicted = new ArrayList<>();
        Iterator<File> eldestFirst = open.values().iterator();
        int excess = open.size() - capacity;
        while (excess > 0 && eldestFirst.hasNext()) {
            File candidate = eldestFirst.next();
            if (candidate.pins == 0) {
                eldestFirst.remove();
                evicted.add(candidate);
                excess--;
            }
        }
        return evicted;
    }

    private static void closeAll(List<File> files) {
        for (File file : files) {
            // unpinned and out of the map: no thread can reach it any more
            if (file.connection != null) {
                try {
                    file.connection.close();
                } catch (SQLException ignored) {
                    // every commit on it is on disk already; a failed close loses nothing
                }
            }
        }
    }

    private static Connection connect(Path path) throws SQLException {
        createDirectory(path.getParent());
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(5_000);
        SQLiteConnection c = (SQLiteConnection) config.createConnection("jdbc:sqlite:" + path);
        try {
            c.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, StorageLimits.MAX_SQL_BYTES);
            c.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, MAX_ROW_BYTES);
            c.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
            try (Statement s = c.createStatement()) {
                // as Cloudflare's _cf_KV: the key-value pairs in a table of the object's own database
                s.execute("CREATE TABLE IF NOT EXISTS _pier_kv (key BLOB PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID");
                s.execute("CREATE TABLE IF NOT EXISTS _pier_alarm (at INTEGER NOT NULL)");
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Creates a namespace's directory and syncs its parent, so that after a power loss the
     * directory, and the databases in it, are still found.
     */
    static void createDirectory(Path directory) throws SQLException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(directory);
            try (FileChannel parent = FileChannel.open(directory.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                parent.force(true);
            }
        } catch (IOException e) {
            throw new SQLException("cannot create " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        List<File> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(open.values());
            open.clear();
        }
        for (File file : all) {
            file.lock.lock();
            try {
                if (file.connection != null) {
                    file.connection.close();
                    file.connection = null;
                }
            } catch (SQLException e) {
                throw new StorageException("storage: cannot close " + file.path + ": " + e.getMessage(), e);
            } finally {
                file.lock.unlock();
            }
        }
    }
}
