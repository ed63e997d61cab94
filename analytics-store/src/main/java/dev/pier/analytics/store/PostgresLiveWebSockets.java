package dev.pier.analytics.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pier.analytics.LiveWebSocket;
import dev.pier.analytics.LiveWebSockets;
import dev.pier.analytics.NodeWebSockets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSockets open now on every node that shares a PostgreSQL analytics store. Each node
 * publishes its own every {@code publishEvery} into {@code live_websockets} (its rows replaced in
 * one transaction) and answers for a zone with its own, read off its edge at that moment, and the
 * other nodes' as they last published them. A node that stopped publishing (killed, cut off)
 * drops out after {@code expireAfter}: its rows are ignored from then on and deleted by the next
 * node that publishes. Times are the database's clock, so the nodes' clocks need not agree.
 *
 * <p>Another node's counters are as old as its last round (at most {@code publishEvery}, plus
 * the time a round takes). A node that starts while PostgreSQL is away starts all the same: its
 * rounds fail, with a warning, until the database is back; a query then fails with
 * {@link AnalyticsStoreException} rather than answer for this node alone.
 */
public final class PostgresLiveWebSockets implements LiveWebSockets, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PostgresLiveWebSockets.class);

    /** How often a node publishes its open WebSockets. */
    public static final Duration PUBLISH_EVERY = Duration.ofSeconds(2);
    /** How long a node's rows count after it last published them. */
    public static final Duration EXPIRE_AFTER = Duration.ofSeconds(10);

    private static final String COLUMNS = "node, zone, ray_id, client_ip, host, path, started_at, client_messages, origin_messages, "
            + "client_request_bytes, edge_response_bytes";

    private final NodeWebSockets local;
    private final HikariDataSource pool;
    private final String schema;
    private final String where;
    private final Duration expireAfter;
    private final ScheduledExecutorService rounds;
    private volatile boolean migrated;
    private boolean failing;

    private PostgresLiveWebSockets(NodeWebSockets local, HikariDataSource pool, String schema, String where, Duration publishEvery,
            Duration expireAfter) {
        this.local = local;
        this.pool = pool;
        this.schema = schema;
        this.where = where;
        this.expireAfter = expireAfter;
        this.rounds = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pier-live-websockets").daemon().factory());
        rounds.scheduleWithFixedDelay(this::publishQuietly, 0, publishEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Publishes {@code local}'s open WebSockets to the analytics store at {@code jdbcUrl} (schema {@code pier_analytics}). */
    public static PostgresLiveWebSockets start(String jdbcUrl, NodeWebSockets local) {
        return start(jdbcUrl, PostgresAnalyticsStore.DEFAULT_SCHEMA, local, PUBLISH_EVERY, EXPIRE_AFTER);
    }

    static PostgresLiveWebSockets start(String jdbcUrl, String schema, NodeWebSockets local, Duration publishEvery, Duration expireAfter) {
        if (expireAfter.compareTo(publishEvery) <= 0) {
            throw new IllegalArgumentException("expireAfter: " + expireAfter + " (expected: longer than publishEvery, " + publishEvery + ")");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setPoolName("pier-live-websockets");
        config.setConnectionTimeout(3_000);
        config.setInitializationFailTimeout(-1); // start without the database; rounds fail until it is there
        config.setConnectionInitSql("SET search_path TO " + schema);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new PostgresLiveWebSockets(local, new HikariDataSource(config), schema, PostgresAnalyticsStore.withoutQuery(jdbcUrl),
                publishEvery, expireAfter);
    }

    @Override
    public List<LiveWebSocket> open(String zone) {
        List<LiveWebSocket> open = local.open(zone);
        try (Connection c = connection();
             PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM live_websockets WHERE zone = ? AND node <> ? "
                     + "AND published_at >= now() - ? * INTERVAL '1 millisecond'")) {
            q.setString(1, zone);
            q.setString(2, local.node());
            q.setLong(3, expireAfter.toMillis());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    open.add(new LiveWebSocket(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11)));
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw new AnalyticsStoreException("analytics store " + where + ": the other nodes' open WebSockets cannot be read ("
                    + why(e) + ")", e);
        }
        return open;
    }

    /** One round: this node's rows replaced by what is open now, and every node's expired rows deleted. */
    void publish() throws SQLException {
        List<LiveWebSocket> open = local.all();
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM live_websockets WHERE node = ? "
                        + "OR published_at < now() - ? * INTERVAL '1 millisecond'")) {
                    delete.setString(1, local.node());
                    delete.setLong(2, expireAfter.toMillis());
                    delete.executeUpdate();
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO live_websockets (" + COLUMNS + ", published_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())")) {
                    for (LiveWebSocket ws : open) {
                        insert.setString(1, ws.node());
                        insert.setString(2, ws.zone());
                        insert.setString(3, ws.rayId());
                        insert.setString(4, ws.clientIp());
                        insert.setString(5, ws.host());
                        insert.setString(6, ws.path());
                        insert.setTimestamp(7, Timestamp.from(ws.startedAt()));
                        insert.setLong(8, ws.clientMessages());
                        insert.setLong(9, ws.originMessages());
                        insert.setLong(10, ws.clientRequestBytes());
                        insert.setLong(11, ws.edgeResponseBytes());
                        insert.addBatch();
                    }
                    if (!open.isEmpty()) {
                        insert.executeBatch();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void publishQuietly() {
        try {
            publish();
            if (failing) {
                logger.info("Open WebSockets are published to the analytics store {} again", where);
                failing = false;
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                logger.warn("Open WebSockets cannot be published to the analytics store {} ({}); trying again every round", where,
                        why(e));
                failing = true;
            }
        }
    }

    /** The deepest cause that says something (a refused connection's may say nothing). */
    private static String why(Throwable e) {
        String why = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                why = t.getMessage();
            }
        }
        return why;
    }

    /** A connection to a schema that has the table; the first one made migrates it. */
    private Connection connection() throws SQLException {
        if (!migrated) {
            synchronized (this) {
                if (!migrated) {
                    PostgresAnalyticsStore.migrate(pool, schema);
                    migrated = true;
                }
            }
        }
        return pool.getConnection();
    }

    /** Stops publishing and leaves this node's rows as they are, as a node that was killed would. */
    void abandon() {
        rounds.shutdownNow();
        pool.close();
    }

    /** Stops publishing and removes this node's rows, so that the other nodes stop showing them at once. */
    @Override
    public void close() {
        rounds.shutdownNow();
        try {
            rounds.awaitTermination(5, TimeUnit.SECONDS);
            if (migrated) {
                try (Connection c = pool.getConnection();
                     PreparedStatement delete = c.prepareStatement("DELETE FROM live_websockets WHERE node = ?")) {
                    delete.setString(1, local.node());
                    delete.executeUpdate();
                }
            }
        } catch (SQLException e) {
            logger.warn("This node's open WebSockets stay in the analytics store {} until they expire ({})", where, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.close();
        }
    }
}
