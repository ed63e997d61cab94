package dev.pier.workers.runtime.storage;

import dev.pier.workers.ListOptions;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The durable storage of one Durable Object: a key-value store ordered by the keys' UTF-8 bytes,
 * an alarm, and an SQL database of its own. Every write is durable when the call returns; a
 * {@link #commit} or a {@link #transaction} is applied whole or not at all. The runtime calls it
 * for one event of the object at a time; calls from several threads are serialized.
 */
public interface ObjectStorage {

    ObjectRef ref();

    /** @return the value stored under {@code key}, or null */
    byte[] get(String key);

    /** @return the keys of up to {@value StorageLimits#MAX_KEYS_PER_CALL} {@code keys} that have a value, with it, in key order */
    Map<String, byte[]> get(Collection<String> keys);

    List<Map.Entry<String, byte[]>> list(ListOptions options);

    /** Applies {@code batch} as one transaction, durable when this returns. */
    void commit(WriteBatch batch);

    /** @return when the alarm is set for, in milliseconds since the epoch; empty when none is */
    OptionalLong alarm();

    /**
     * Runs SQL (SQLite's dialect on the embedded backend, PostgreSQL's on PostgreSQL) in the
     * object's database. {@code sql} may hold several statements separated by semicolons: the
     * bindings are for the last one, and so are the cursor's rows. Statements that end, begin or
     * nest transactions, attach databases or change the database's settings are refused, and so
     * is any name starting with {@code _pier_} or {@code _cf_}: those are the storage's own.
     */
    SqlCursor exec(String sql, Object... bindings);

    /**
     * Runs {@code work} as one transaction: every {@link #commit} and {@link #exec} in it, on this
     * storage, joins it; it commits when {@code work} returns and rolls back when it throws (the
     * exception is rethrown). Transactions nest, as savepoints.
     */
    <T> T transaction(Function<ObjectStorage, T> work);

    /**
     * The size of the object's data in bytes, Cloudflare's {@code sql.databaseSize}: on SQLite the
     * object's database file (its pages in use and free), on PostgreSQL the tables of its SQL
     * schema with their indexes, and its key-value pairs; 0 for an object never written.
     */
    long databaseSize();
}
