package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The embedded store: one DuckDB file in the data directory, columnar, for one node. Records are
 * appended to a staging table and moved into {@code requests} by one statement that skips
 * RayIDs already stored, so a batch is committed whole or not at all. DuckDB has no index here:
 * the RayID check reads only the time range of the batch (DuckDB skips row groups by their
 * min/max), which is short when records arrive in time order, as a node's do.
 */
final class DuckDbAnalyticsStore extends SqlAnalyticsStore {

    /** DuckDB's memory for this store (it spills to disk past it); its own, outside the JVM's heap. */
    private static final String MEMORY_LIMIT = "1GB";

    private final Path file;
    private final DuckDBConnection writer;

    private DuckDbAnalyticsStore(Path file, DuckDBConnection writer, Retention retention) {
        super(retention);
        this.file = file;
        this.writer = writer;
    }

    static DuckDbAnalyticsStore open(Path file, Retention retention) {
        DuckDBConnection c = null;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Properties p = new Properties();
            p.setProperty("memory_limit", MEMORY_LIMIT);
            c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), p);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS requests (ray_id VARCHAR NOT NULL, zone VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                        + "host VARCHAR NOT NULL, path VARCHAR NOT NULL, status INTEGER NOT NULL, client_ip VARCHAR, "
                        + "security_action VARCHAR NOT NULL, websocket BOOLEAN NOT NULL, close_code INTEGER, close_source VARCHAR, "
                        + "close_reason VARCHAR, edge_bytes BIGINT NOT NULL, client_bytes BIGINT NOT NULL, duration_ms BIGINT NOT NULL, "
                        + "client_messages BIGINT NOT NULL, origin_messages BIGINT NOT NULL, visits INTEGER NOT NULL, threats INTEGER NOT NULL)");
                // in memory, without a write-ahead log: a batch a crash interrupts is sent again from the spool
                s.execute("CREATE TEMP TABLE staging AS SELECT * FROM requests LIMIT 0");
                for (Level level : List.of(Level.MINUTE, Level.HOUR, Level.DAY)) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + level.table + " (zone VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                            + "host VARCHAR NOT NULL, path VARCHAR NOT NULL, status INTEGER NOT NULL, security_action VARCHAR NOT NULL, "
                            + "websocket BOOLEAN NOT NULL, close_code INTEGER, close_source VARCHAR, close_reason VARCHAR, "
                            + "requests BIGINT NOT NULL, edge_bytes BIGINT NOT NULL, client_bytes BIGINT NOT NULL, visits BIGINT NOT NULL, "
                            + "threats BIGINT NOT NULL, duration_ms BIGINT NOT NULL, client_messages BIGINT NOT NULL, "
                            + "origin_messages BIGINT NOT NULL)");
                    s.execute("CREATE TABLE IF NOT EXISTS " + level.clientIpTable + " (zone VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                            + "client_ip VARCHAR NOT NULL)");
                }
                s.execute("CREATE TABLE IF NOT EXISTS " + Watermarks.TABLE + " (zone VARCHAR NOT NULL, level VARCHAR NOT NULL, "
                        + "before_ts TIMESTAMP NOT NULL, PRIMARY KEY (zone, level))");
            }
            return new DuckDbAnalyticsStore(file, c, retention);
        } catch (Exception e) {
            closeQuietly(c);
            throw new AnalyticsStoreException("analytics store " + file + ": cannot be opened (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public synchronized int insert(List<RequestLog> records) {
        if (records.isEmpty()) {
            return 0;
        }
        List<StoredRecord> rows = records.stream().map(StoredRecord::of).toList();
        Instant first = rows.stream().map(r -> StoredRecord.instant(r.ts())).min(Instant::compareTo).orElseThrow();
        Instant last = rows.stream().map(r -> StoredRecord.instant(r.ts())).max(Instant::compareTo).orElseThrow();
        try {
            try (Statement s = writer.createStatement()) {
                s.execute("DELETE FROM staging");
            }
            try (DuckDBAppender a = writer.createAppender("temp", "main", "staging")) {
                for (StoredRecord r : rows) {
                    append(a, r);
                }
            }
            String columns = "s." + StoredRecord.COLUMNS.replace(", ", ", s.");
            try (PreparedStatement q = writer.prepareStatement("INSERT INTO requests SELECT " + columns
                    + " FROM (SELECT * FROM staging QUALIFY row_number() OVER (PARTITION BY ray_id) = 1) s"
                    + " LEFT JOIN " + Watermarks.TABLE + " w ON w.zone = s.zone AND w.level = 'RAW'"
                    + " WHERE (w.before_ts IS NULL OR s.ts >= w.before_ts)"
                    + " AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.ts >= ? AND r.ts <= ? AND r.ray_id = s.ray_id)")) {
                q.setObject(1, StoredRecord.utc(first));
                q.setObject(2, StoredRecord.utc(last));
                return q.executeUpdate();
            }
        } catch (SQLException e) {
            throw new AnalyticsStoreException("analytics store " + file + ": insert failed (" + e.getMessage() + ")", e);
        }
    }

    private static void append(DuckDBAppender a, StoredRecord r) throws SQLException {
        a.beginRow();
        a.append(r.rayId()).append(r.zone()).append(r.ts()).append(r.host()).append(r.path()).append(r.status());
        appendNullable(a, r.clientIp());
        a.append(r.securityAction()).append(r.webSocket());
        if (r.closeCode() == null) {
            a.appendNull();
        } else {
            a.append(r.closeCode().intValue());
        }
        appendNullable(a, r.closeSource());
        appendNullable(a, r.closeReason());
        a.append(r.edgeBytes()).append(r.clientBytes()).append(r.durationMs()).append(r.clientMessages()).append(r.originMessages())
                .append(r.visit()).append(r.threat());
        a.endRow();
    }

    private static void appendNullable(DuckDBAppender a, String value) throws SQLException {
        if (value == null) {
            a.appendNull();
        } else {
            a.append(value);
        }
    }

    @Override
    public void applyRetention(Instant now) {
        synchronized (this) { // no insert reads a watermark the roll-up is moving
            super.applyRetention(now);
        }
    }

    @Override
    Connection connection() throws SQLException {
        return writer.duplicate();
    }

    @Override
    String quantileSql(double fraction) {
        return "quantile_cont(duration_ms, " + fraction + ")";
    }

    @Override
    String describe() {
        return file.toString();
    }

    @Override
    public synchronized void close() {
        closeQuietly(writer);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing: nothing is left to do with it
            }
        }
    }
}
