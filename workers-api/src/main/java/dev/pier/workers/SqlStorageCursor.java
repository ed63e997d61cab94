package dev.pier.workers;

import java.util.List;
import java.util.Map;

/**
 * What {@link SqlStorage#exec} returns, Cloudflare's {@code SqlStorageCursor}: the rows of the last
 * statement, read in full, each a map of column name to value in column order (iterating it gives
 * the same rows as {@link #toList()}). Values are null, {@code Long}, {@code Double},
 * {@code String} or {@code byte[]}.
 */
public interface SqlStorageCursor extends Iterable<Map<String, Object>> {

    /** Every row, as column name → value (Cloudflare's {@code toArray()}). */
    List<Map<String, Object>> toList();

    /**
     * The only row. When there is none or more than one, an exception with Cloudflare's message:
     * {@code Expected exactly one result from SQL query, but got no results.} (or
     * {@code multiple results.}).
     */
    Map<String, Object> one();

    /** Every row as its values in column order (Cloudflare's {@code raw()}). */
    List<Object[]> raw();

    /** The last statement's column names, in order; empty when it returns no rows (an INSERT). */
    List<String> columnNames();

    /** Rows the statements read: here, the rows they returned. */
    long rowsRead();

    /** Rows the statements inserted, updated or deleted. */
    long rowsWritten();
}
