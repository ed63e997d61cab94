package dev.pier.workers.runtime.storage;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The limits of Cloudflare's SQLite-backed Durable Objects, which both backends enforce the same
 * way, before anything is written.
 */
public final class StorageLimits {

    /** Keys in one get, put or delete of several keys. */
    public static final int MAX_KEYS_PER_CALL = 128;
    /** A key, UTF-8 encoded. */
    public static final int MAX_KEY_BYTES = 2 * 1024;
    /** A key and its value together. */
    public static final int MAX_ENTRY_BYTES = 2 * 1024 * 1024;
    /** One {@code exec}'s SQL text, UTF-8 encoded. */
    public static final int MAX_SQL_BYTES = 100_000;
    /** Bound parameters of one {@code exec}. */
    public static final int MAX_BINDINGS = 100;

    private StorageLimits() {
    }

    static void checkKeyCount(Collection<?> keys) {
        if (keys.size() > MAX_KEYS_PER_CALL) {
            throw new StorageLimitException("keys: " + keys.size() + " (expected: at most " + MAX_KEYS_PER_CALL + ")");
        }
    }

    /** @return the key's UTF-8 bytes, the form in which it is stored and ordered */
    static byte[] checkKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key: null (expected: a string)");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // UTF-8 has no form for it: it would be stored as '?' and come back as another key
                throw new IllegalArgumentException("key: an unpaired surrogate at " + i + " (expected: a string UTF-8 can encode)");
            }
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_KEY_BYTES) {
            throw new StorageLimitException("key: " + bytes.length + " bytes (expected: at most " + MAX_KEY_BYTES + " bytes)");
        }
        return bytes;
    }

    static void checkEntry(byte[] key, byte[] value) {
        long size = (long) key.length + value.length;
        if (size > MAX_ENTRY_BYTES) {
            throw new StorageLimitException("key + value: " + size + " bytes (expected: at most " + MAX_ENTRY_BYTES + " bytes)");
        }
    }

    static void checkSql(String sql, Object[] bindings) {
        int bytes = sql.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SQL_BYTES) {
            throw new StorageLimitException("sql: " + bytes + " bytes (expected: at most " + MAX_SQL_BYTES + " bytes)");
        }
        if (bindings.length > MAX_BINDINGS) {
            throw new StorageLimitException("bindings: " + bindings.length + " (expected: at most " + MAX_BINDINGS + ")");
        }
    }
}
