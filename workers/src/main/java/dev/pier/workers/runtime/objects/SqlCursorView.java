package dev.pier.workers.runtime.objects;

import dev.pier.workers.SqlStorageCursor;
import dev.pier.workers.runtime.storage.SqlCursor;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The storage engine's {@link SqlCursor} as the API's {@link SqlStorageCursor}, so that Worker code never sees the runtime's types. */
final class SqlCursorView implements SqlStorageCursor {

    private final SqlCursor cursor;

    SqlCursorView(SqlCursor cursor) {
        this.cursor = cursor;
    }

    @Override
    public List<Map<String, Object>> toList() {
        return cursor.toList();
    }

    @Override
    public Map<String, Object> one() {
        return cursor.one();
    }

    @Override
    public List<Object[]> raw() {
        return cursor.raw();
    }

    @Override
    public List<String> columnNames() {
        return cursor.columnNames();
    }

    @Override
    public long rowsRead() {
        return cursor.rowsRead();
    }

    @Override
    public long rowsWritten() {
        return cursor.rowsWritten();
    }

    @Override
    public Iterator<Map<String, Object>> iterator() {
        return cursor.iterator();
    }
}
