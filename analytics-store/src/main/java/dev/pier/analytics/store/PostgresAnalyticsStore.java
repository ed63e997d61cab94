package dev.pier.analytics.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pier.analytics.RequestLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/**
 * The store several nodes share: raw records in a table partitioned by day (a partition is made
 * when the first record of its day arrives, and dropped once retention has emptied it), rollups
 * by minute, hour and day, in a schema of the store's own. A batch is one {@code INSERT ... ON
 * CONFLICT DO NOTHING} keyed by RayID, so a batch sent twice, by one node or two, counts once; the
 * same statement adds the records it inserted to the {@link RawRollups}, which answer most traffic
 * queries of the raw level.
 * Inserts and roll-ups take one advisory lock (shared and exclusive), so no insert reads a
 * watermark that a roll-up is moving.
 */
final class PostgresAnalyticsStore extends SqlAnalyticsStore {

    static final String DEFAULT_SCHEMA = "pier_analytics";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final DateTimeFormatter PARTITION_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
    /** The advisory lock of inserts (shared) and roll-ups (exclusive): "pier_ana" in ASCII. */
    private static final long RETENTION_LOCK = 0x706965725f616e61L;

    private final HikariDataSource pool;
    private final String schema;
    private final String where;
    private final Set<LocalDate> partitions = ConcurrentHashMap.newKeySet();
    /** Partitions of past days this process has vacuumed. */
    private final Set<String> vacuumed = ConcurrentHashMap.newKeySet();

    private PostgresAnalyticsStore(HikariDataSource pool, String schema, String where, Retention retention) {
        super(retention);
        this.pool = pool;
        this.schema = schema;
        this.where = where;
    }

    /** @throws AnalyticsStoreException when the database cannot be reached or migrated */
    static PostgresAnalyticsStore open(String jdbcUrl, String schema, Retention retention) {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema: " + schema + " (expected: a lowercase PostgreSQL name, at most 63 characters)");
        }
        String where = withoutQuery(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(4);
        config.setPoolName("pier-analytics");
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(5_000);
        config.setConnectionInitSql("SET search_path TO " + schema + "; SET synchronous_commit TO on");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new AnalyticsStoreException("analytics store " + where + ": cannot be opened (" + rootMessage(e) + ")", e);
        }
        try {
            migrate(pool, schema);
            return new PostgresAnalyticsStore(pool, schema, where, retention);
        } catch (RuntimeException e) {
            pool.close();
            throw new AnalyticsStoreException("analytics store " + where + ": cannot migrate schema " + schema + " (" + rootMessage(e) + ")", e);
        }
    }

    /** Makes or migrates the store's schema; any process that opens it may, and Flyway lets one at a time. */
    static void migrate(javax.sql.DataSource pool, String schema) {
        Flyway.configure().dataSource(pool).schemas(schema).defaultSchema(schema).createSchemas(true)
                .locations("classpath:dev/pier/analytics/store/postgres").load().migrate();
    }

    @Override
    public int insert(List<RequestLog> records) {
        if (records.isEmpty()) {
            return 0;
        }
        List<StoredRecord> rows = records.stream().map(StoredRecord::of).toList();
        try {
            return insertRows(rows);
        } catch (SQLException e) {
            if (!"23514".equals(e.getSQLState())) { // no partition for a row: retention dropped one this node still knew
                throw new AnalyticsStoreException("analytics store " + where + ": insert failed (" + e.getMessage() + ")", e);
            }
            partitions.clear();
            try {
                return insertRows(rows);
            } catch (SQLException again) {
                throw new AnalyticsStoreException("analytics store " + where + ": insert failed (" + again.getMessage() + ")", again);
            }
        }
    }

    private int insertRows(List<StoredRecord> rows) throws SQLException {
        try (Connection c = pool.getConnection()) {
            for (StoredRecord r : rows) {
                ensurePartition(c, r.ts().toLocalDate());
            }
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock_shared(?)")) {
                    lock.setLong(1, RETENTION_LOCK);
                    lock.execute();
                }
                int inserted;
                try (PreparedStatement q = c.prepareStatement("WITH inserted AS (INSERT INTO requests (" + StoredRecord.COLUMNS + ") SELECT u.ray_id, u.zone, "
                        + "TIMESTAMP 'epoch' + u.ts_us * INTERVAL '1 microsecond', u.host, u.path, u.status, u.client_ip, u.security_action, "
                        + "u.websocket, u.close_code, u.close_source, u.close_reason, u.edge_bytes, u.client_bytes, u.duration_ms, "
                        + "u.client_messages, u.origin_messages, u.visits, u.threats, u.scheme, u.http_protocol FROM unnest(?::text[], ?::text[], "
                        + "?::int8[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::bool[], ?::int4[], ?::text[], ?::text[], "
                        + "?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int4[], ?::int4[], ?::text[], ?::text[]) AS u(ray_id, "
                        + "zone, ts_us, host, path, status, client_ip, security_action, websocket, close_code, close_source, close_reason, "
                        + "edge_bytes, client_bytes, duration_ms, client_messages, origin_messages, visits, threats, scheme, http_protocol) "
                        + "LEFT JOIN " + Watermarks.TABLE + " w ON w.zone = u.zone "
                        + "AND w.level = 'RAW' WHERE w.before_ts IS NULL OR TIMESTAMP 'epoch' + u.ts_us * INTERVAL '1 microsecond' >= w.before_ts "
                        + "ON CONFLICT DO NOTHING RETURNING zone, ts, host, path, status, security_action, websocket, edge_bytes, visits, threats), "
                        + "rolled_up AS (" + RawRollups.addInsertedSql() + ") SELECT count(*) FROM inserted")) {
                    int n = rows.size();
                    String[] ray = new String[n], zone = new String[n], host = new String[n], path = new String[n], ip = new String[n],
                            action = new String[n], source = new String[n], reason = new String[n], scheme = new String[n],
                            protocol = new String[n];
                    Long[] ts = new Long[n], edge = new Long[n], client = new Long[n], duration = new Long[n], cm = new Long[n], om = new Long[n];
                    Integer[] status = new Integer[n], code = new Integer[n], visits = new Integer[n], threats = new Integer[n];
                    Boolean[] ws = new Boolean[n];
                    for (int i = 0; i < n; i++) {
                        StoredRecord r = rows.get(i);
                        ray[i] = r.rayId();
                        zone[i] = r.zone();
                        ts[i] = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, r.ts().toInstant(ZoneOffset.UTC));
                        host[i] = r.host();
                        path[i] = r.path();
                        status[i] = r.status();
                        ip[i] = r.clientIp();
                        action[i] = r.securityAction();
                        ws[i] = r.webSocket();
                        code[i] = r.closeCode();
                        source[i] = r.closeSource();
                        reason[i] = r.closeReason();
                        edge[i] = r.edgeBytes();
                        client[i] = r.clientBytes();
                        duration[i] = r.durationMs();
                        cm[i] = r.clientMessages();
                        om[i] = r.originMessages();
                        visits[i] = r.visit();
                        threats[i] = r.threat();
                        scheme[i] = r.scheme();
                        protocol[i] = r.httpProtocol();
                    }
                    Object[][] columns = {ray, zone, ts, host, path, status, ip, action, ws, code, source, reason, edge, client, duration, cm,
                            om, visits, threats, scheme, protocol};
                    String[] types = {"text", "text", "int8", "text", "text", "int4", "text", "text", "bool", "int4", "text", "text", "int8",
                            "int8", "int8", "int8", "int8", "int4", "int4", "text", "text"};
                    for (int i = 0; i < columns.length; i++) {
                        q.setArray(i + 1, c.createArrayOf(types[i], columns[i]));
                    }
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        inserted = rs.getInt(1);
                    }
                }
                c.commit();
                return inserted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Makes the day's partition unless it is known; another node making it at the same time is fine. */
    private void ensurePartition(Connection c, LocalDate day) throws SQLException {
        if (partitions.contains(day)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + partition(day) + " PARTITION OF requests FOR VALUES FROM ('" + day + "') TO ('"
                    + day.plusDays(1) + "')");
        } catch (SQLException e) {
            if (!"42P07".equals(e.getSQLState())) { // duplicate_table: another node made it first
                throw e;
            }
        }
        partitions.add(day);
    }

    private static String partition(LocalDate day) {
        return "requests_" + day.format(PARTITION_SUFFIX);
    }

    @Override
    boolean keepsRawRollups() {
        return true;
    }

    @Override
    void lockForRetention(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, RETENTION_LOCK);
            lock.execute();
        }
    }

    /**
     * Drops the day partitions that retention has emptied, and vacuums once each partition of a
     * past day: its pages become all-visible, so that WebSocket queries read their covering index
     * alone, even where autovacuum is off or has not come by yet (a vacuum of a partition already
     * vacuumed skips its pages, so several nodes doing it cost little).
     */
    @Override
    void afterRetention() {
        try (Connection c = pool.getConnection()) {
            List<String> empty = new ArrayList<>();
            List<String> toVacuum = new ArrayList<>();
            Set<String> names = new TreeSet<>();
            try (PreparedStatement q = c.prepareStatement("SELECT child.relname FROM pg_inherits JOIN pg_class parent ON parent.oid = inhparent "
                    + "JOIN pg_class child ON child.oid = inhrelid JOIN pg_namespace n ON n.oid = parent.relnamespace "
                    + "WHERE n.nspname = ? AND parent.relname = 'requests'")) {
                q.setString(1, schema);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            String today = partition(LocalDate.now(ZoneOffset.UTC));
            for (String name : names) {
                if (name.compareTo(today) >= 0) {
                    break; // today's and later partitions are filling
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + name + ")")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        empty.add(name);
                    } else if (!vacuumed.contains(name)) {
                        toVacuum.add(name);
                    }
                }
            }
            for (String name : empty) {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + name);
                }
                partitions.remove(LocalDate.parse(name.substring("requests_".length()), PARTITION_SUFFIX));
                vacuumed.remove(name);
            }
            for (String name : toVacuum) {
                try (Statement s = c.createStatement()) {
                    s.execute("VACUUM (ANALYZE) " + name);
                }
                vacuumed.add(name);
            }
        } catch (SQLException e) {
            throw new AnalyticsStoreException("analytics store " + where + ": dropping empty partitions or vacuuming failed (" + e.getMessage() + ")", e);
        }
    }

    @Override
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    String quantileSql(double fraction) {
        return "percentile_cont(" + fraction + ") WITHIN GROUP (ORDER BY duration_ms)";
    }

    @Override
    String describe() {
        return where;
    }

    @Override
    public void close() {
        pool.close();
    }

    static String withoutQuery(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
