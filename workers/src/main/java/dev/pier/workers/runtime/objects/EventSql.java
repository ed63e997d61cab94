package dev.pier.workers.runtime.objects;

import dev.pier.workers.SqlStorage;
import dev.pier.workers.SqlStorageCursor;

/** Cloudflare's {@code storage.sql} of one object: its statements run in the event's transaction ({@link EventStorage#exec}). */
final class EventSql implements SqlStorage {

    private final EventStorage storage;

    EventSql(EventStorage storage) {
        this.storage = storage;
    }

    @Override
    public SqlStorageCursor exec(String query, Object... bindings) {
        if (query == null) {
            throw new IllegalArgumentException("query: null (expected: SQL text)");
        }
        if (bindings == null) {
            throw new IllegalArgumentException("bindings: null (expected: the values, or none; a single null binding is (Object) null)");
        }
        return new SqlCursorView(storage.exec(query, bindings));
    }

    @Override
    public long databaseSize() {
        return storage.databaseSize();
    }
}
