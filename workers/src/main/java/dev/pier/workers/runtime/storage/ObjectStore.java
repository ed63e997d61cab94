package dev.pier.workers.runtime.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The storage of every Durable Object of a node: where {@link ObjectStorage}s come from. */
public interface ObjectStore extends AutoCloseable {

    /** The storage of one object; it is created, empty, on its first write. */
    ObjectStorage open(String namespace, String objectId);

    /**
     * Objects whose alarm is due at {@code nowMillis} (set for then or earlier), the earliest
     * first, read from the database: after a restart, what the runtime must fire.
     */
    List<ObjectRef> dueAlarms(long nowMillis);

    /**
     * The leases that let nodes sharing this storage run each object on one node at a time; empty
     * for a storage only one node uses (SQLite).
     */
    default Optional<ObjectLeases> leases() {
        return Optional.empty();
    }

    @Override
    void close();

    /** One SQLite database per object under {@code dataDirectory}, at most 256 of them open at once. */
    static ObjectStore sqlite(Path dataDirectory) {
        return new SqliteObjectStore(dataDirectory, SqliteObjectStore.DEFAULT_OPEN_FILES);
    }

    /**
     * PostgreSQL, shared by several nodes: key-value data and alarms in tables of the schema
     * {@value PostgresObjectStore#DEFAULT_SCHEMA} (created and migrated on open), each object's SQL
     * database in a schema of its own.
     *
     * @throws StorageException when the database cannot be reached
     */
    static ObjectStore postgres(String jdbcUrl, String user, String password) {
        return PostgresObjectStore.open(jdbcUrl, user, password, PostgresObjectStore.DEFAULT_SCHEMA);
    }
}
