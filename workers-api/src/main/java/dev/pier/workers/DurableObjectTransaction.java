package dev.pier.workers;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * The {@code txn} of {@link DurableObjectStorage#transaction}, Cloudflare's
 * {@code DurableObjectTransaction}: the storage's key-value calls, inside the transaction, and
 * {@link #rollback()}. As on Cloudflare's SQLite-backed objects, calls on the storage itself (and
 * SQL) inside the closure are part of the transaction too. Once the transaction is rolled back or
 * has ended, every call throws {@link IllegalStateException}.
 */
public interface DurableObjectTransaction {

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

    /** Entries in key order (their UTF-8 bytes'), as {@link DurableObjectStorage#list}. */
    Map<String, byte[]> list(ListOptions options);

    /**
     * Undoes at once everything the transaction wrote, key-value and SQL; the closure goes on and
     * {@code transaction} returns its value. No call on this transaction works after it, and the
     * storage's calls in the rest of the closure are the event's own, outside the transaction.
     * Only the innermost open transaction can be rolled back.
     */
    void rollback();

    /** A UTF-8 text value, or null. */
    default String getString(String key) {
        byte[] v = get(key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    default void putString(String key, String value) {
        put(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
