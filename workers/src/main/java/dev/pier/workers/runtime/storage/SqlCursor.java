package dev.pier.workers.runtime.storage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link ObjectStorage#exec}, read in full: the last statement's column names and
 * rows, and how many rows the statements read and wrote. Values are {@code null}, {@code Long},
 * {@code Double}, {@code String} or {@code byte[]} (on PostgreSQL also whatever else a column's
 * type maps to in JDBC, such as {@code Boolean} or a {@code BigDecimal}).
 */
public final class SqlCursor implements Iterable<Map<String, Object>> {

    private final List<String> columnNames;
    private final List<Object[]> rows;
    private final long rowsRead;
    private final long rowsWritten;

    SqlCursor(List<String> columnNames, List<Object[]> rows, long rowsRead, long rowsWritten) {
        this.columnNames = List.copyOf(columnNames);
        this.rows = rows;
        this.rowsRead = rowsRead;
        this.rowsWritten = rowsWritten;
    }

    public List<String> columnNames() {
        return columnNames;
    }

    /** Each row as column name → value, in column order. */
    public List<Map<String, Object>> toList() {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            out.add(asMap(row));
        }
        return out;
    }

    /** Each row as its values in column order (Cloudflare's {@code raw()}). */
    public List<Object[]> raw() {
        List<Object[]> out = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            out.add(row.clone());
        }
        return out;
    }

    /** The only row; an error when there is none or more than one, as Cloudflare's {@code one()}. */
    public Map<String, Object> one() {
        if (rows.size() != 1) {
            throw new StorageException("Expected exactly one result from SQL query, but got "
                    + (rows.isEmpty() ? "no results." : "multiple results."));
        }
        return asMap(rows.get(0));
    }

    /**
     * Rows the statements read: the rows they returned. (Cloudflare counts the rows SQLite scanned,
     * which JDBC does not tell; a query through an index reads about what it returns.)
     */
    public long rowsRead() {
        return rowsRead;
    }

    /** Rows the statements inserted, updated or deleted. */
    public long rowsWritten() {
        return rowsWritten;
    }

    @Override
    public Iterator<Map<String, Object>> iterator() {
        return toList().iterator();
    }

    private Map<String, Object> asMap(Object[] row) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < row.length; i++) {
            map.put(columnNames.get(i), row[i]);
        }
        return map;
    }
}
