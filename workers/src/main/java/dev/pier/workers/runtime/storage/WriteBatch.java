package dev.pier.workers.runtime.storage;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes that {@link ObjectStorage#commit} applies as one transaction: puts, deletes, a
 * {@link #deleteAll()}, an alarm set or deleted. A later write to a key replaces an earlier one,
 * and {@link #deleteAll()} forgets the writes before it, so the batch means what its calls did in
 * order. Each call checks its own limits and, when it throws, leaves the batch as it was.
 */
public final class WriteBatch {

    /** Key → value, or → null for a delete, in the order of the calls. */
    private final Map<String, byte[]> writes = new LinkedHashMap<>();
    private boolean deleteAll;
    private boolean alarmChanged;
    private Long alarmAt;

    public WriteBatch put(String key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value: null (expected: bytes; delete a key with delete)");
        }
        StorageLimits.checkEntry(StorageLimits.checkKey(key), value);
        writes.put(key, value);
        return this;
    }

    /** Puts up to {@value StorageLimits#MAX_KEYS_PER_CALL} entries: all of them, or none when one breaks a limit. */
    public WriteBatch put(Map<String, byte[]> entries) {
        StorageLimits.checkKeyCount(entries.keySet());
        entries.forEach((key, value) -> {
            if (value == null) {
                throw new IllegalArgumentException("value of " + key + ": null (expected: bytes)");
            }
            StorageLimits.checkEntry(StorageLimits.checkKey(key), value);
        });
        writes.putAll(entries);
        return this;
    }

    public WriteBatch delete(String key) {
        StorageLimits.checkKey(key);
        writes.put(key, null);
        return this;
    }

    /** Deletes up to {@value StorageLimits#MAX_KEYS_PER_CALL} keys. */
    public WriteBatch delete(Collection<String> keys) {
        StorageLimits.checkKeyCount(keys);
        keys.forEach(StorageLimits::checkKey);
        keys.forEach(key -> writes.put(key, null));
        return this;
    }

    /**
     * Deletes everything the object stored: every key, every table of its SQL database and its
     * alarm (as Cloudflare's {@code deleteAll()} does since compatibility date 2026-02-24).
     */
    public WriteBatch deleteAll() {
        writes.clear();
        deleteAll = true;
        alarmChanged = true;
        alarmAt = null;
        return this;
    }

    public WriteBatch setAlarm(long epochMillis) {
        alarmChanged = true;
        alarmAt = epochMillis;
        return this;
    }

    public WriteBatch deleteAlarm() {
        alarmChanged = true;
        alarmAt = null;
        return this;
    }

    public boolean isEmpty() {
        return writes.isEmpty() && !deleteAll && !alarmChanged;
    }

    Map<String, byte[]> writes() {
        return Collections.unmodifiableMap(writes);
    }

    boolean deletesAll() {
        return deleteAll;
    }

    boolean changesAlarm() {
        return alarmChanged;
    }

    /** The alarm after the batch, when it {@link #changesAlarm()}: a time, or null for none. */
    Long alarmAt() {
        return alarmAt;
    }
}
