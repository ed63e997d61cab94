package dev.pier.workers;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An object's durable key-value storage, Cloudflare's {@code state.storage}. Reads see the
 * event's own writes at once; writes are committed together when the event ends (the response
 * waits for that), or at once by {@link #sync()}. Keys are ordered by their UTF-8 bytes, as on
 * Cloudflare. Limits as Cloudflare's: at most 128 keys per call, key and value together at most
 * 2 MB.
 */
public interface DurableObjectStorage {

    /** The value, or null. */
    byte[] get(String key);

    /** The values of the keys that exist. */
    Map<String, byte[]> get(Collection<String> keys);

    void put(String key, byte[] value);

    void put(Map<String, byte[]> entries);

    /** Whether the key existed. */
    boolean delete(String key);

    /** How many of the keys existed. */
    int delete(Collection<String> keys);

    /**
     * Entries in key order (their UTF-8 bytes'), as {@code list(options)}; the map keeps that
     * order. The event's own writes are in it.
     */
    Map<String, byte[]> list(ListOptions options);

    /** Deletes every key (and the object's alarm). */
    void deleteAll();

    /** Commits this event's writes, key-value and SQL, now rather than when it ends. Not inside a transaction closure. */
    void sync();

    /** The object's SQL database, Cloudflare's {@code storage.sql}. */
    SqlStorage sql();

    /**
     * Runs {@code closure} as one transaction, Cloudflare's {@code storage.transaction(closure)}:
     * what it writes (through {@code txn}, the storage itself or SQL) is undone when it throws
     * (the exception is rethrown) or calls {@code txn.rollback()}, and otherwise stays with the
     * event's other writes, committed when the event ends. Transactions nest.
     *
     * @return what {@code closure} returned
     */
    <T> T transaction(Function<DurableObjectTransaction, T> closure);

    /**
     * Runs {@code closure} as one transaction, Cloudflare's {@code storage.transactionSync(closure)}:
     * when it throws, everything it wrote, key-value and SQL, is undone and the exception is
     * rethrown; otherwise its writes stay with the event's other writes. Transactions nest.
     *
     * @return what {@code closure} returned
     */
    <T> T transactionSync(Supplier<T> closure);

    /** When the object's alarm is set for, in milliseconds since the epoch; null when none is. */
    Long getAlarm();

    /**
     * Sets the object's alarm (replacing any): at that time its {@link DurableObject#alarm} runs,
     * after a restart too. Written with the event's other writes.
     */
    void setAlarm(long epochMillis);

    void deleteAlarm();

    /** A UTF-8 text value, or null. */
    default String getString(String key) {
        byte[] v = get(key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    default void putString(String key, String value) {
        put(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
