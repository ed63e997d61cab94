package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectTransaction;
import dev.pier.workers.ListOptions;
import java.util.Collection;
import java.util.Map;

/**
 * The {@code txn} a closure of {@link EventStorage#transaction} gets: the event's storage calls,
 * which inside the closure are in its savepoint anyway (as on Cloudflare's SQLite-backed objects),
 * and {@link #rollback()}; none works once the closure's transaction has ended.
 */
final class ClosureTransaction implements DurableObjectTransaction {

    private final EventStorage storage;
    private final EventStorage.Level level;

    ClosureTransaction(EventStorage storage, EventStorage.Level level) {
        this.storage = storage;
        this.level = level;
    }

    @Override
    public byte[] get(String key) {
        return open().get(key);
    }

    @Override
    public Map<String, byte[]> get(Collection<String> keys) {
        return open().get(keys);
    }

    @Override
    public void put(String key, byte[] value) {
        open().put(key, value);
    }

    @Override
    public void put(Map<String, byte[]> entries) {
        open().put(entries);
    }

    @Override
    public boolean delete(String key) {
        return open().delete(key);
    }

    @Override
    public int delete(Collection<String> keys) {
        return open().delete(keys);
    }

    @Override
    public Map<String, byte[]> list(ListOptions options) {
        return open().list(options);
    }

    @Override
    public void rollback() {
        open().rollBack(level);
    }

    private EventStorage open() {
        if (level.ended()) {
            throw new IllegalStateException("txn: its transaction has ended or was rolled back (expected: calls inside the closure, before rollback())");
        }
        return storage;
    }
}
