package dev.pier.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL store's rollups of raw records, kept on insert: what they hold is what was
 * inserted, once, and queries that read them with the raw records of ragged range ends answer
 * what the records say.
 */
class PostgresRawRollupsTest {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final String ZONE = SyntheticRecords.zone(0);

    private final String schema = TestPostgres.newSchema();
    private final List<RequestLog> records = new ArrayList<>();
    private PostgresAnalyticsStore store;

    @BeforeEach
    void open() {
        store = TestPostgres.open(schema, AnalyticsStoreContract.RETENTION);
        new SyntheticRecords(11, 3, START, Duration.ofDays(20), 8_000).forEachRemaining(records::add);
    }

    @AfterEach
    void drop() throws Exception {
        store.close();
        TestPostgres.drop(schema);
    }

    @Test
    void rangesThatSplitMinutesAndDaysCountTheirRecords() {
        insert(store, records, 1_000);
        Instant recordTime = records.stream().filter(r -> r.zoneName().equals(ZONE)).skip(1_000).findFirst().orElseThrow().edgeStartTimestamp();
        List<Instant[]> ranges = List.of(
                new Instant[] {START.plus(Duration.parse("PT77H23M41.5S")), START.plus(Duration.parse("PT461H2M7S"))},
                new Instant[] {recordTime.minusSeconds(10), recordTime.plusSeconds(10)}, // shorter than a minute
                new Instant[] {START.plus(Duration.parse("PT5H30M")), START.plus(Duration.parse("PT29H"))}, // one midnight inside
                new Instant[] {START, START.plus(Duration.ofDays(20))});
        for (Instant[] range : ranges) {
            String as = range[0] + " to " + range[1];
            List<StoredRecord> mine = records.stream().filter(r -> r.zoneName().equals(ZONE))
                    .filter(r -> !r.edgeStartTimestamp().isBefore(range[0]) && r.edgeStartTimestamp().isBefore(range[1]))
                    .map(StoredRecord::of).toList();
            assertThat(mine).as(as).isNotEmpty();
            AnalyticsQuery.Builder query = AnalyticsQuery.builder(ZONE, range[0], range[1]);

            TrafficRow totals = store.traffic(query.build()).getFirst();
            assertThat(totals.requests()).as(as).isEqualTo(mine.size());
            assertThat(totals.edgeResponseBytes()).as(as).isEqualTo(mine.stream().mapToLong(StoredRecord::edgeBytes).sum());
            assertThat(totals.visits()).as(as).isEqualTo(mine.stream().mapToLong(StoredRecord::visit).sum());
            assertThat(totals.threats()).as(as).isEqualTo(mine.stream().mapToLong(StoredRecord::threat).sum());
            assertThat(totals.webSocketUpgrades()).as(as).isEqualTo(mine.stream().filter(StoredRecord::webSocket).count());

            assertThat(byDimension(store.traffic(AnalyticsQuery.builder(ZONE, range[0], range[1]).groupBy(Dimension.STATUS).build()),
                    Dimension.STATUS)).as(as).isEqualTo(counts(mine, StoredRecord::status));
            assertThat(byDimension(store.traffic(AnalyticsQuery.builder(ZONE, range[0], range[1]).groupBy(Dimension.PATH).limit(10_000).build()),
                    Dimension.PATH)).as(as).isEqualTo(counts(mine, StoredRecord::path));
            assertThat(byDimension(store.traffic(AnalyticsQuery.builder(ZONE, range[0], range[1]).groupBy(Dimension.HOST)
                    .filter(Filter.eq(Dimension.HOST, "api." + ZONE)).build()), Dimension.HOST)).as(as)
                    .isEqualTo(counts(mine.stream().filter(r -> r.host().equals("api." + ZONE)).toList(), StoredRecord::host));

            List<TrafficRow> topPaths = store.traffic(AnalyticsQuery.builder(ZONE, range[0], range[1]).groupBy(Dimension.PATH)
                    .orderBy(AnalyticsQuery.Order.by(Measure.REQUESTS, true)).limit(3).build());
            Map<Object, Long> pathCounts = counts(mine, StoredRecord::path);
            assertThat(topPaths).as(as).hasSize(Math.min(3, pathCounts.size()));
            assertThat(topPaths.getFirst().requests()).as(as).isEqualTo(pathCounts.values().stream().max(Long::compare).orElseThrow());

            for (TimeBucket bucket : TimeBucket.values()) {
                ChronoUnit unit = bucket == TimeBucket.DAY ? ChronoUnit.DAYS : bucket == TimeBucket.HOUR ? ChronoUnit.HOURS : ChronoUnit.MINUTES;
                Map<Instant, Long> expected = mine.stream().collect(Collectors.groupingBy(
                        r -> StoredRecord.instant(r.ts()).truncatedTo(unit), Collectors.counting()));
                List<TrafficRow> rows = store.traffic(AnalyticsQuery.builder(ZONE, range[0], range[1]).bucket(bucket).limit(10_000).build());
                assertThat(rows.stream().collect(Collectors.toMap(TrafficRow::time, TrafficRow::requests))).as(as + " by " + bucket)
                        .isEqualTo(expected);
                assertThat(rows).extracting(TrafficRow::time).isSorted();
                // cut to the first or last buckets: each part of the range is cut alike, and what is added up is whole
                for (boolean descending : new boolean[] {false, true}) {
                    List<Map.Entry<Instant, Long>> first = expected.entrySet().stream().sorted(descending
                            ? Map.Entry.<Instant, Long>comparingByKey().reversed() : Map.Entry.comparingByKey()).limit(5).toList();
                    List<TrafficRow> cut = store.traffic(AnalyticsQuery.builder(ZONE, range[0], range[1]).bucket(bucket)
                            .orderBy(AnalyticsQuery.Order.byTime(descending)).limit(5).build());
                    assertThat(cut.stream().map(r -> Map.entry(r.time(), r.requests())).toList()).as(as + " by " + bucket + ", 5 "
                            + (descending ? "last" : "first")).isEqualTo(first);
                }
            }
        }
    }

    @Test
    void theRollupsHoldEachInsertedRecordOnce() throws Exception {
        insert(store, records.subList(0, 3_000), 1_000);
        List<RequestLog> overlapping = new ArrayList<>(records.subList(2_000, 5_000));
        overlapping.add(records.get(2_500)); // twice in one batch, and already stored
        assertThat(store.insert(overlapping)).isEqualTo(2_000);
        insert(store, records, 700); // everything again, and the rest

        assertThat(rawCount()).isEqualTo(records.size());
        for (RawRollups.GroupingSet set : RawRollups.SETS) {
            assertThat(rollupRequests(set)).as("set " + set).isEqualTo(records.size());
        }
        assertThat(rowsUnlikeTheMigrationsBackfill()).as("rows the migration would make of these records, and no other").isZero();
    }

    /** The rows that differ between the rollups as inserts kept them and as the V3 migration makes them of the raw records. */
    private long rowsUnlikeTheMigrationsBackfill() throws Exception {
        String migration;
        try (var in = getClass().getResourceAsStream("postgres/V4__raw_rollups.sql")) {
            migration = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        int from = migration.indexOf("INSERT INTO raw_rollups");
        String backfill = migration.substring(from, migration.indexOf(';', from)).replace("INSERT INTO raw_rollups", "INSERT INTO backfill");
        try (Connection c = DriverManager.getConnection(TestPostgres.URL); var s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
            s.execute("CREATE TEMPORARY TABLE backfill (LIKE raw_rollups)");
            s.execute(backfill);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM ((SELECT * FROM raw_rollups EXCEPT SELECT * FROM backfill) "
                    + "UNION ALL (SELECT * FROM backfill EXCEPT SELECT * FROM raw_rollups)) d")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void twoNodesSendingTheSameBatchesAtOnceCountThemOnce() throws Exception {
        try (PostgresAnalyticsStore other = TestPostgres.open(schema, AnalyticsStoreContract.RETENTION);
             ExecutorService nodes = Executors.newFixedThreadPool(2)) {
            Future<?> a = nodes.submit(() -> insert(store, records, 500));
            Future<?> b = nodes.submit(() -> insert(other, records, 500));
            a.get();
            b.get();
        }
        assertThat(rawCount()).isEqualTo(records.size());
        for (RawRollups.GroupingSet set : RawRollups.SETS) {
            assertThat(rollupRequests(set)).as("set " + set).isEqualTo(records.size());
        }
        assertThat(store.traffic(AnalyticsQuery.builder(ZONE, START, START.plus(Duration.ofDays(20))).build()).getFirst().requests())
                .isEqualTo(records.stream().filter(r -> r.zoneName().equals(ZONE)).count());
    }

    @Test
    void retentionDeletesTheRollupsOfTheRecordsItRollsUp() throws Exception {
        insert(store, records, 1_000);
        Instant now = START.plus(Duration.ofDays(15));
        Instant rawSince = now.minus(AnalyticsStoreContract.RETENTION.raw()).truncatedTo(ChronoUnit.DAYS);
        store.applyRetention(now);

        long rawLeft = rawCount();
        assertThat(rawLeft).isPositive().isLessThan(records.size());
        for (RawRollups.GroupingSet set : RawRollups.SETS) {
            assertThat(rollupRequests(set)).as("set " + set).isEqualTo(rawLeft);
        }
        try (Connection c = DriverManager.getConnection(TestPostgres.URL);
             PreparedStatement q = c.prepareStatement("SELECT min(ts) FROM " + schema + "." + RawRollups.TABLE);
             ResultSet rs = q.executeQuery()) {
            rs.next();
            assertThat(StoredRecord.instant(rs.getObject(1, java.time.LocalDateTime.class))).isEqualTo(rawSince);
        }
        assertThat(store.traffic(AnalyticsQuery.builder(ZONE, START, START.plus(Duration.ofDays(20))).build()).getFirst().requests())
                .isEqualTo(records.stream().filter(r -> r.zoneName().equals(ZONE)).count());
    }

    /** Inserts in batches, sending a batch again when the store refused it (a deadlock between two nodes), as the shipper does. */
    private static void insert(AnalyticsStore store, List<RequestLog> records, int batch) {
        for (int i = 0; i < records.size(); i += batch) {
            List<RequestLog> part = records.subList(i, Math.min(records.size(), i + batch));
            for (int attempt = 1; ; attempt++) {
                try {
                    store.insert(part);
                    break;
                } catch (AnalyticsStoreException e) {
                    if (attempt == 5) {
                        throw e;
                    }
                }
            }
        }
    }

    private static Map<Object, Long> byDimension(List<TrafficRow> rows, Dimension d) {
        Map<Object, Long> map = new LinkedHashMap<>();
        rows.forEach(r -> map.put(r.dimensions().get(d), r.requests()));
        return map;
    }

    private static Map<Object, Long> counts(List<StoredRecord> records, Function<StoredRecord, Object> key) {
        return records.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
    }

    private long rawCount() throws Exception {
        return single("SELECT count(*) FROM " + schema + ".requests");
    }

    private long rollupRequests(RawRollups.GroupingSet set) throws Exception {
        return single("SELECT coalesce(sum(requests), 0) FROM " + schema + "." + RawRollups.TABLE + " WHERE grouping_set = " + set.id());
    }

    private static long single(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.URL); PreparedStatement q = c.prepareStatement(sql);
             ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
