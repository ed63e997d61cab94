package dev.pier.bench;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.store.AnalyticsQuery;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.Dimension;
import dev.pier.analytics.store.Measure;
import dev.pier.analytics.store.Retention;
import dev.pier.analytics.store.SyntheticRecords;
import dev.pier.analytics.store.TimeBucket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Loads synthetic request log records into an analytics store and times queries over them:
 * ingest records/s (batches as the shipping sink sends them), then, for the busiest zone, a day,
 * a week and a month grouped by minute, hour and day, and the top 10 paths and statuses (then the
 * same for a zone of about the average size), and a month whose ends fall within an hour ("month~"). Each
 * query runs once to warm up, then {@code RUNS} times; the median and the slowest are reported.
 *
 * <p>{@code java -cp benchmarks.jar dev.pier.bench.AnalyticsStoreLoad STORE RECORDS [ZONES [RETAIN_AT]]}, STORE a DuckDB
 * file or a PostgreSQL JDBC address (see bench/analytics-store.sh); RECORDS 0 queries what the store holds;
 * RETAIN_AT (an instant) applies the default retention as of then before the queries, so that they read rollups.
 */
public final class AnalyticsStoreLoad {

    private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
    private static final Duration MONTH = Duration.ofDays(30);
    private static final int BATCH = 4_096;
    private static final int RUNS = 7;

    private AnalyticsStoreLoad() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: AnalyticsStoreLoad STORE RECORDS [ZONES]   (STORE: a DuckDB file or jdbc:postgresql://...)");
            System.exit(2);
        }
        String location = args[0];
        long count = Long.parseLong(args[1]);
        int zones = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        try (AnalyticsStore store = AnalyticsStore.open(location, Path.of("."), Retention.DEFAULT)) {
            if (count > 0) {
                ingest(store, count, zones);
            }
            if (args.length > 3) {
                long t = System.nanoTime();
                store.applyRetention(Instant.parse(args[3]));
                System.out.printf("retention as of %s (raw 7d, minute 30d, hour 365d): %.1f s%n", args[3], (System.nanoTime() - t) / 1e9);
            }
            queries(store, zones);
        }
    }

    private static void ingest(AnalyticsStore store, long count, int zones) {
        SyntheticRecords records = new SyntheticRecords(42, zones, START, MONTH, count);
        List<RequestLog> batch = new ArrayList<>(BATCH);
        long insertNanos = 0;
        long inserted = 0;
        long wall = System.nanoTime();
        while (records.hasNext()) {
            batch.add(records.next());
            if (batch.size() == BATCH || !records.hasNext()) {
                long t = System.nanoTime();
                inserted += store.insert(batch);
                insertNanos += System.nanoTime() - t;
                batch.clear();
            }
        }
        long wallNanos = System.nanoTime() - wall;
        System.out.printf("ingest: %,d records (%,d new) in batches of %,d: %,.0f records/s inserting (%.1f s), %.1f s with generating%n",
                count, inserted, BATCH, count / (insertNanos / 1e9), insertNanos / 1e9, wallNanos / 1e9);
    }

    private static void queries(AnalyticsStore store, int zones) {
        queries(store, SyntheticRecords.zone(0), "the busiest zone");
        if (zones > 5) {
            queries(store, SyntheticRecords.zone(5), "a zone of about the average size");
        }
    }

    private static void queries(AnalyticsStore store, String zone, String which) {
        Instant end = START.plus(MONTH);
        long monthRecords = store.traffic(AnalyticsQuery.builder(zone, START, end).build()).getFirst().requests();
        System.out.printf("queries on %s, %s: %,d records in the month; median and slowest of %d runs, ms%n", zone, which, monthRecords, RUNS);
        System.out.printf("%-6s %-28s %9s %9s %7s%n", "range", "query", "median", "slowest", "rows");
        for (String range : List.of("day", "week", "month")) {
            Duration d = switch (range) {
                case "day" -> Duration.ofDays(1);
                case "week" -> Duration.ofDays(7);
                default -> MONTH;
            };
            Instant from = end.minus(d);
            for (TimeBucket bucket : TimeBucket.values()) {
                time(range, "by " + bucket.name().toLowerCase(java.util.Locale.ROOT),
                        () -> store.traffic(AnalyticsQuery.builder(zone, from, end).bucket(bucket).build()));
            }
            time(range, "top 10 paths by requests", () -> store.traffic(AnalyticsQuery.builder(zone, from, end).groupBy(Dimension.PATH)
                    .orderBy(AnalyticsQuery.Order.by(Measure.REQUESTS, true)).limit(10).build()));
            time(range, "top 10 statuses by bytes", () -> store.traffic(AnalyticsQuery.builder(zone, from, end).groupBy(Dimension.STATUS)
                    .orderBy(AnalyticsQuery.Order.by(Measure.EDGE_RESPONSE_BYTES, true)).limit(10).build()));
            time(range, "websockets: totals, quantiles", () -> store.webSockets(AnalyticsQuery.builder(zone, from, end).build()));
        }
        // a dashboard's "last 30 days" starts and ends within an hour, a minute and a second: stores that keep rollups of
        // raw records (PostgreSQL) read the ragged ends from finer rollups or raw records
        Instant raggedEnd = end.minus(Duration.parse("PT10H22M33.5S"));
        Instant raggedFrom = raggedEnd.minus(MONTH);
        String ragged = "month~";
        for (TimeBucket bucket : TimeBucket.values()) {
            time(ragged, "by " + bucket.name().toLowerCase(java.util.Locale.ROOT),
                    () -> store.traffic(AnalyticsQuery.builder(zone, raggedFrom, raggedEnd).bucket(bucket).build()));
        }
        time(ragged, "top 10 paths by requests", () -> store.traffic(AnalyticsQuery.builder(zone, raggedFrom, raggedEnd).groupBy(Dimension.PATH)
                .orderBy(AnalyticsQuery.Order.by(Measure.REQUESTS, true)).limit(10).build()));
        time(ragged, "top 10 statuses by bytes", () -> store.traffic(AnalyticsQuery.builder(zone, raggedFrom, raggedEnd).groupBy(Dimension.STATUS)
                .orderBy(AnalyticsQuery.Order.by(Measure.EDGE_RESPONSE_BYTES, true)).limit(10).build()));
    }

    private static void time(String range, String name, Supplier<List<?>> query) {
        int rows = query.get().size();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            query.get();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%-6s %-28s %9.1f %9.1f %7d%n", range, name, ms[RUNS / 2], ms[RUNS - 1], rows);
    }
}
