package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Where request log records are kept and answered from. Inserts are idempotent by RayID: a
 * record inserted twice (a batch sent again after a crash or an outage) counts once. Queries
 * read raw records within each zone's raw retention and the rollups beyond it
 * ({@link #applyRetention}), with the same totals.
 *
 * <p>Implementations are thread-safe.
 */
public interface AnalyticsStore extends AutoCloseable {

    /**
     * Inserts records in one transaction: when this returns they are committed; when it throws,
     * none of them is. Records already stored (by RayID) are skipped, and so are records older
     * than their zone's raw retention once it has been rolled up (they would be counted apart from
     * their rollup); both are left out of the returned count.
     *
     * @return how many records were new
     * @throws AnalyticsStoreException when the store cannot be reached or refuses the batch
     */
    int insert(List<RequestLog> records);

    /** Requests, bytes, visits, threats and upgrades, grouped as the query says. */
    List<TrafficRow> traffic(AnalyticsQuery query);

    /** Closed WebSocket connections (records with {@code WebSocket} true), grouped as the query says. */
    List<WebSocketRow> webSockets(AnalyticsQuery query);

    /**
     * Distinct client IP addresses per time bucket (or in the whole range without a bucket), the
     * uniques of Cloudflare's rollup nodes. Exact over every level: rollups keep each address once
     * per bucket. The query takes a bucket, an order by time and a limit, but no filter or group.
     */
    List<UniquesRow> uniques(AnalyticsQuery query);

    /** How long each zone's data is kept at each level. */
    Retention retention();

    /**
     * Rolls up and deletes what each zone's retention no longer keeps at its level, as of
     * {@code now}: raw records into minutes, minutes into hours, hours into days.
     */
    void applyRetention(Instant now);

    @Override
    void close();

    /**
     * Opens the store a configuration names.
     *
     * @param location  {@code jdbc:postgresql://HOST:PORT/DB?user=NAME}, or a DuckDB file (relative to {@code base})
     * @param retention how long each zone's data is kept at each level
     */
    static AnalyticsStore open(String location, Path base, Retention retention) {
        if (location.startsWith("jdbc:")) {
            if (!location.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("analytics store: '" + location
                        + "' (expected: a DuckDB file, or jdbc:postgresql://HOST:PORT/DB?user=NAME)");
            }
            return PostgresAnalyticsStore.open(location, PostgresAnalyticsStore.DEFAULT_SCHEMA, retention);
        }
        return DuckDbAnalyticsStore.open(base.resolve(location).normalize(), retention);
    }
}
