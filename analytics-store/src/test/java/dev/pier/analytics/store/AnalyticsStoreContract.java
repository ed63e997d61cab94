package dev.pier.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.analytics.RequestLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AnalyticsStore} does, checked against figures computed here from the records
 * themselves: a subclass per store opens a fresh, empty one.
 */
abstract class AnalyticsStoreContract {

    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final String ZONE = SyntheticRecords.zone(0);
    /** Kept short so that a test can roll a month of records up. */
    static final Retention RETENTION = new Retention(Duration.ofDays(7), Duration.ofDays(10), Duration.ofDays(20), null, Map.of());

    AnalyticsStore store;
    List<RequestLog> records;

    /** A new empty store with {@link #RETENTION}. */
    abstract AnalyticsStore openEmpty() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openEmpty();
        records = new ArrayList<>();
        new SyntheticRecords(7, 3, START, Duration.ofDays(30), 6_000).forEachRemaining(records::add);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private void insertAll() {
        for (int i = 0; i < records.size(); i += 1_000) {
            store.insert(records.subList(i, Math.min(records.size(), i + 1_000)));
        }
    }

    private List<RequestLog> zone(String zone) {
        return records.stream().filter(r -> r.zoneName().equals(zone)).toList();
    }

    private static AnalyticsQuery.Builder month() {
        return AnalyticsQuery.builder(ZONE, START, START.plus(Duration.ofDays(30)));
    }

    @Test
    void aRecordInsertedTwiceCountsOnce() {
        List<RequestLog> batch = records.subList(0, 1_000);
        assertThat(store.insert(batch)).isEqualTo(1_000);
        assertThat(store.insert(batch)).as("the same batch again").isZero();
        List<RequestLog> overlapping = new ArrayList<>(records.subList(500, 1_500));
        overlapping.add(records.get(1_200)); // twice within one batch, too
        assertThat(store.insert(overlapping)).isEqualTo(500);
        TrafficRow totals = store.traffic(AnalyticsQuery.builder(ZONE, START, START.plus(Duration.ofDays(30))).build()).getFirst();
        assertThat(totals.requests()).isEqualTo(records.subList(0, 1_500).stream().filter(r -> r.zoneName().equals(ZONE)).count());
    }

    @Test
    void totalsAreTheRecordsFigures() {
        insertAll();
        List<RequestLog> mine = zone(ZONE);
        TrafficRow totals = single(store.traffic(month().build()));
        assertThat(totals.time()).isNull();
        assertThat(totals.requests()).isEqualTo(mine.size());
        assertThat(totals.edgeResponseBytes()).isEqualTo(sum(mine, RequestLog::edgeResponseBytes));
        assertThat(totals.visits()).isEqualTo(mine.stream().filter(r -> !r.webSocket() && r.clientRequestMethod().equals("GET")
                && r.edgeResponseStatus() / 100 == 2).count());
        assertThat(totals.threats()).isEqualTo(mine.stream().filter(r -> "block".equals(r.securityAction())).count()).isPositive();
        assertThat(totals.webSocketUpgrades()).isEqualTo(mine.stream().filter(RequestLog::webSocket).count()).isPositive();
        assertThat(totals.measure(Measure.THREATS)).isEqualTo(totals.threats());
        TrafficRow nothing = single(store.traffic(AnalyticsQuery.builder("nobody.example", START, START.plusSeconds(60)).build()));
        assertThat(nothing.requests()).isZero();
    }

    @Test
    void bucketsAddUpToTheirRecords() {
        insertAll();
        List<RequestLog> mine = zone(ZONE);
        for (TimeBucket bucket : TimeBucket.values()) {
            List<TrafficRow> rows = store.traffic(month().bucket(bucket).build());
            Map<Instant, Long> expected = mine.stream().collect(Collectors.groupingBy(
                    r -> truncate(r.edgeStartTimestamp(), bucket), Collectors.counting()));
            assertThat(rows).as(bucket.name()).hasSize(expected.size());
            assertThat(rows.stream().collect(Collectors.toMap(TrafficRow::time, TrafficRow::requests))).isEqualTo(expected);
            assertThat(rows).extracting(TrafficRow::time).isSorted();
        }
    }

    @Test
    void filtersSelectTheRecordsTheyName() {
        insertAll();
        List<RequestLog> mine = zone(ZONE);
        assertFiltered(Filter.in(Dimension.STATUS, List.of(404, 502)), r -> r.edgeResponseStatus() == 404 || r.edgeResponseStatus() == 502, mine);
        assertFiltered(Filter.eq(Dimension.WEBSOCKET, true), RequestLog::webSocket, mine);
        assertFiltered(new Filter(Dimension.PATH, Filter.Operator.LIKE, List.of("/api/%")), r -> r.clientRequestUri().startsWith("/api/"), mine);
        assertFiltered(new Filter(Dimension.HOST, Filter.Operator.NEQ, List.of(ZONE)), r -> !r.clientRequestHost().equals(ZONE), mine);
        assertFiltered(new Filter(Dimension.STATUS, Filter.Operator.GEQ, List.of(400)), r -> r.edgeResponseStatus() >= 400, mine);
        assertFiltered(Filter.eq(Dimension.SECURITY_ACTION, "block"), r -> "block".equals(r.securityAction()), mine);
        String ip = mine.get(17).clientIp();
        assertFiltered(Filter.eq(Dimension.CLIENT_IP, ip), r -> ip.equals(r.clientIp()), mine);
    }

    private void assertFiltered(Condition filter, Predicate<RequestLog> meets, List<RequestLog> mine) {
        TrafficRow row = single(store.traffic(month().filter(filter).build()));
        List<RequestLog> expected = mine.stream().filter(meets).toList();
        assertThat(expected).as(filter.toString()).isNotEmpty();
        assertThat(row.requests()).as(filter.toString()).isEqualTo(expected.size());
        assertThat(row.edgeResponseBytes()).as(filter.toString()).isEqualTo(sum(expected, RequestLog::edgeResponseBytes));
    }

    @Test
    void topPathsByCountAndByBytes() {
        insertAll();
        List<RequestLog> mine = zone(ZONE);
        Map<String, Long> counts = mine.stream().collect(Collectors.groupingBy(r -> r.clientRequestUri().split("\\?")[0], Collectors.counting()));
        List<TrafficRow> top = store.traffic(month().groupBy(Dimension.PATH).orderBy(AnalyticsQuery.Order.by(Measure.REQUESTS, true)).limit(5).build());
        assertThat(top).hasSize(5);
        assertThat(top).extracting(TrafficRow::requests).isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(top.getFirst().requests()).isEqualTo(counts.values().stream().max(Long::compare).orElseThrow());
        for (TrafficRow row : top) {
            assertThat(row.requests()).isEqualTo(counts.get((String) row.dimensions().get(Dimension.PATH)));
        }
        Map<Integer, Long> bytesByStatus = mine.stream().collect(Collectors.groupingBy(RequestLog::edgeResponseStatus,
                Collectors.summingLong(RequestLog::edgeResponseBytes)));
        List<TrafficRow> statuses = store.traffic(month().groupBy(Dimension.STATUS)
                .orderBy(AnalyticsQuery.Order.by(Measure.EDGE_RESPONSE_BYTES, true)).limit(2).build());
        assertThat(statuses).extracting(r -> r.dimensions().get(Dimension.STATUS)).containsExactly(
                bytesByStatus.entrySet().stream().sorted(Map.Entry.<Integer, Long>comparingByValue().reversed()).limit(2).map(Map.Entry::getKey).toArray());
    }

    @Test
    void webSocketFigures() {
        insertAll();
        List<RequestLog> sockets = zone(ZONE).stream().filter(RequestLog::webSocket).toList();
        WebSocketRow all = single(store.webSockets(month().build()));
        assertThat(all.connections()).isEqualTo(sockets.size());
        assertThat(all.durationMs()).isEqualTo(sum(sockets, r -> Duration.between(r.edgeStartTimestamp(), r.edgeEndTimestamp()).toMillis()));
        assertThat(all.clientMessages()).isEqualTo(sum(sockets, RequestLog::webSocketClientMessages));
        assertThat(all.originMessages()).isEqualTo(sum(sockets, RequestLog::webSocketOriginMessages));
        assertThat(all.bytesFromClient()).isEqualTo(sum(sockets, RequestLog::clientRequestBytes));
        assertThat(all.bytesToClient()).isEqualTo(sum(sockets, RequestLog::edgeResponseBytes));
        List<Long> durations = sockets.stream().map(r -> Duration.between(r.edgeStartTimestamp(), r.edgeEndTimestamp()).toMillis()).sorted().toList();
        assertThat(all.durationP50Ms()).isCloseTo(continuousQuantile(durations, 0.5), org.assertj.core.data.Offset.offset(0.001));
        assertThat(all.durationP99Ms()).isCloseTo(continuousQuantile(durations, 0.99), org.assertj.core.data.Offset.offset(0.001));

        List<WebSocketRow> byClose = store.webSockets(month().groupBy(Dimension.CLOSE_CODE, Dimension.CLOSE_SOURCE).build());
        Map<List<Object>, Long> expected = sockets.stream().collect(Collectors.groupingBy(r -> List.of(r.webSocketCloseCode(),
                CloseReason.source(r.webSocketClosedBy())), Collectors.counting()));
        assertThat(byClose.stream().collect(Collectors.toMap(r -> List.copyOf(r.dimensions().values()), WebSocketRow::connections)))
                .isEqualTo(expected);
        assertThat(store.webSockets(month().filter(Filter.eq(Dimension.CLOSE_REASON, "timedOut")).build()).getFirst().connections())
                .isEqualTo(sockets.stream().filter(r -> r.webSocketCloseCode() == 1001 && r.webSocketClosedBy() == RequestLog.ClosedBy.edge).count())
                .isPositive();
    }

    @Test
    void retentionRollsUpAndKeepsTheTotals() {
        insertAll();
        Instant now = START.plus(Duration.ofDays(31));
        List<TrafficRow> daysBefore = store.traffic(month().bucket(TimeBucket.DAY).build());
        List<TrafficRow> hostsBefore = store.traffic(month().groupBy(Dimension.HOST, Dimension.STATUS).build());
        WebSocketRow socketsBefore = single(store.webSockets(month().build()));

        store.applyRetention(now);
        store.applyRetention(now); // a second run finds nothing more to roll

        assertThat(store.traffic(month().bucket(TimeBucket.DAY).build())).isEqualTo(daysBefore);
        assertThat(store.traffic(month().groupBy(Dimension.HOST, Dimension.STATUS).build())).isEqualTo(hostsBefore);
        WebSocketRow socketsAfter = single(store.webSockets(month().build()));
        assertThat(socketsAfter.connections()).isEqualTo(socketsBefore.connections());
        assertThat(socketsAfter.durationMs()).isEqualTo(socketsBefore.durationMs());
        assertThat(socketsAfter.durationP50Ms()).as("quantiles need raw records").isNull();
        // an hour bucket over days rolled up to days: each row starts on a midnight
        Instant rawSince = now.minus(RETENTION.raw()).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        assertThat(store.traffic(month().bucket(TimeBucket.HOUR).build())).extracting(TrafficRow::time)
                .filteredOn(t -> t.isBefore(now.minus(RETENTION.hour()).truncatedTo(java.time.temporal.ChronoUnit.DAYS)))
                .isNotEmpty().allMatch(t -> t.equals(t.truncatedTo(java.time.temporal.ChronoUnit.DAYS)));
        // the raw records left answer what needs them, and nothing older
        assertThatThrownBy(() -> store.traffic(month().groupBy(Dimension.CLIENT_IP).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("raw records only");
        assertThat(store.traffic(AnalyticsQuery.builder(ZONE, rawSince, now).groupBy(Dimension.CLIENT_IP).build())).isNotEmpty();
        // a record older than the raw retention arriving now would be counted apart from its rollup: it is left out
        assertThat(store.insert(records.subList(0, 10))).isZero();
        assertThat(store.traffic(month().bucket(TimeBucket.DAY).build())).isEqualTo(daysBefore);
    }

    @Test
    void schemeAndHttpVersionGroupAndFilterAlsoOverRollups() {
        insertAll();
        List<RequestLog> mine = zone(ZONE);
        Map<Object, Long> bySchemeRequests = mine.stream().collect(Collectors.groupingBy(RequestLog::clientRequestScheme, Collectors.counting()));
        Map<Object, Long> bySchemeBytes = mine.stream().collect(Collectors.groupingBy(RequestLog::clientRequestScheme,
                Collectors.summingLong(RequestLog::edgeResponseBytes)));
        Map<Object, Long> byProtocol = mine.stream().collect(Collectors.groupingBy(RequestLog::clientRequestProtocol, Collectors.counting()));
        assertThat(bySchemeRequests).containsOnlyKeys("http", "https");
        assertThat(byProtocol).containsOnlyKeys("HTTP/1.0", "HTTP/1.1");
        Runnable check = () -> {
            List<TrafficRow> schemes = store.traffic(month().groupBy(Dimension.SCHEME).build());
            assertThat(schemes.stream().collect(Collectors.toMap(r -> r.dimensions().get(Dimension.SCHEME), TrafficRow::requests)))
                    .isEqualTo(bySchemeRequests);
            assertThat(schemes.stream().collect(Collectors.toMap(r -> r.dimensions().get(Dimension.SCHEME), TrafficRow::edgeResponseBytes)))
                    .isEqualTo(bySchemeBytes);
            assertThat(store.traffic(month().groupBy(Dimension.HTTP_PROTOCOL).build()).stream()
                    .collect(Collectors.toMap(r -> r.dimensions().get(Dimension.HTTP_PROTOCOL), TrafficRow::requests))).isEqualTo(byProtocol);
            assertThat(single(store.traffic(month().filter(Filter.eq(Dimension.SCHEME, "https")).build())).requests())
                    .isEqualTo(bySchemeRequests.get("https"));
        };
        check.run();
        store.applyRetention(START.plus(Duration.ofDays(31))); // every level holds a part of the month
        check.run();
    }

    @Test
    void nestedAndOrAcrossDimensionsSelectTheirRecordsAlsoOverRollups() {
        insertAll();
        List<RequestLog> mine = zone(ZONE);
        Condition notFoundOrApi = Condition.any(Filter.eq(Dimension.STATUS, 404),
                new Filter(Dimension.PATH, Filter.Operator.LIKE, List.of("/api/%")));
        Predicate<RequestLog> isNotFoundOrApi = r -> r.edgeResponseStatus() == 404 || r.clientRequestUri().startsWith("/api/");
        Condition nested = Condition.any(Condition.all(Filter.eq(Dimension.WEBSOCKET, true), new Filter(Dimension.STATUS, Filter.Operator.NEQ,
                List.of(101))), Condition.all(Filter.eq(Dimension.SCHEME, "https"), notFoundOrApi));
        Predicate<RequestLog> meetsNested = r -> (r.webSocket() && r.edgeResponseStatus() != 101)
                || (r.clientRequestScheme().equals("https") && isNotFoundOrApi.test(r));
        Runnable check = () -> {
            assertFiltered(notFoundOrApi, isNotFoundOrApi, mine);
            assertFiltered(nested, meetsNested, mine);
            // an OR of one dimension's values, ANDed with another dimension
            Condition blockedOrChallenged = Condition.any(Filter.eq(Dimension.SECURITY_ACTION, "block"), Filter.eq(Dimension.STATUS, 502));
            List<TrafficRow> byHost = store.traffic(month().filter(blockedOrChallenged).filter(Filter.eq(Dimension.WEBSOCKET, false))
                    .groupBy(Dimension.HOST).build());
            Map<Object, Long> expected = mine.stream().filter(r -> !r.webSocket()
                            && ("block".equals(r.securityAction()) || r.edgeResponseStatus() == 502))
                    .collect(Collectors.groupingBy(RequestLog::clientRequestHost, Collectors.counting()));
            assertThat(expected).isNotEmpty();
            assertThat(byHost.stream().collect(Collectors.toMap(r -> r.dimensions().get(Dimension.HOST), TrafficRow::requests)))
                    .isEqualTo(expected);
        };
        check.run();
        store.applyRetention(START.plus(Duration.ofDays(31))); // every level holds a part of the month
        check.run();
    }

    @Test
    void severalOrderTermsApplyInTurn() {
        insertAll();
        List<RequestLog> mine = zone(ZONE);
        Map<List<Object>, Long> counts = mine.stream().collect(Collectors.groupingBy(
                r -> List.of(r.edgeResponseStatus(), r.clientRequestScheme()), Collectors.counting()));
        List<List<Object>> expected = counts.entrySet().stream().sorted(
                        Comparator.<Map.Entry<List<Object>, Long>, Integer>comparing(e -> (Integer) e.getKey().get(0))
                                .thenComparing(Map.Entry::getValue, Comparator.reverseOrder())
                                .thenComparing(e -> (String) e.getKey().get(1))) // ties: by the grouped dimensions
                .map(Map.Entry::getKey).toList();
        Runnable check = () -> {
            List<TrafficRow> rows = store.traffic(month().groupBy(Dimension.SCHEME, Dimension.STATUS)
                    .orderBy(AnalyticsQuery.Order.by(Dimension.STATUS, false), AnalyticsQuery.Order.by(Measure.REQUESTS, true)).build());
            assertThat(rows).extracting(r -> List.of(r.dimensions().get(Dimension.STATUS), r.dimensions().get(Dimension.SCHEME)))
                    .containsExactlyElementsOf(expected);
            assertThat(rows).extracting(TrafficRow::requests).containsExactlyElementsOf(expected.stream().map(counts::get).toList());
            List<TrafficRow> top = store.traffic(month().groupBy(Dimension.SCHEME, Dimension.STATUS)
                    .orderBy(AnalyticsQuery.Order.by(Dimension.STATUS, true), AnalyticsQuery.Order.by(Measure.REQUESTS, false)).limit(3).build());
            assertThat(top).extracting(r -> List.of(r.dimensions().get(Dimension.STATUS), r.dimensions().get(Dimension.SCHEME)))
                    .containsExactlyElementsOf(counts.entrySet().stream().sorted(
                                    Comparator.<Map.Entry<List<Object>, Long>, Integer>comparing(e -> (Integer) e.getKey().get(0)).reversed()
                                            .thenComparing(Map.Entry::getValue).thenComparing(e -> (String) e.getKey().get(1)))
                            .limit(3).map(Map.Entry::getKey).toList());
        };
        check.run();
        store.applyRetention(START.plus(Duration.ofDays(31)));
        check.run();
    }

    @Test
    void uniquesAreDistinctClientsAlsoOverRollups() {
        insertAll();
        List<RequestLog> mine = zone(ZONE);
        long distinct = mine.stream().map(RequestLog::clientIp).distinct().count();
        Map<Instant, Long> perDay = mine.stream().collect(Collectors.groupingBy(r -> truncate(r.edgeStartTimestamp(), TimeBucket.DAY),
                Collectors.collectingAndThen(Collectors.mapping(RequestLog::clientIp, Collectors.toSet()), s -> (long) s.size())));
        Map<Instant, Long> perHour = mine.stream().collect(Collectors.groupingBy(r -> truncate(r.edgeStartTimestamp(), TimeBucket.HOUR),
                Collectors.collectingAndThen(Collectors.mapping(RequestLog::clientIp, Collectors.toSet()), s -> (long) s.size())));
        assertThat(distinct).isLessThan(mine.size()).isGreaterThan(1); // clients come back: distinct is not a count of requests
        assertThat(single(store.uniques(month().build())).uniques()).isEqualTo(distinct);
        assertThat(store.uniques(month().bucket(TimeBucket.DAY).build()).stream()
                .collect(Collectors.toMap(UniquesRow::time, UniquesRow::uniques))).isEqualTo(perDay);

        Instant now = START.plus(Duration.ofDays(31));
        store.applyRetention(now); // days 0-10 in days, 11-20 in hours, 21-23 in minutes, the rest raw

        assertThat(single(store.uniques(month().build())).uniques()).as("over every level at once").isEqualTo(distinct);
        assertThat(store.uniques(month().bucket(TimeBucket.DAY).build()).stream()
                .collect(Collectors.toMap(UniquesRow::time, UniquesRow::uniques))).isEqualTo(perDay);
        Instant hoursFrom = now.minus(RETENTION.hour()).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        List<UniquesRow> hours = store.uniques(AnalyticsQuery.builder(ZONE, hoursFrom, hoursFrom.plus(Duration.ofDays(2)))
                .bucket(TimeBucket.HOUR).build());
        assertThat(hours).hasSize(48).allMatch(r -> r.uniques() == perHour.get(r.time()));
        assertThatThrownBy(() -> store.uniques(month().filter(Filter.eq(Dimension.STATUS, 200)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: a time range and bucket only");
    }

    @Test
    void zonesAreApart() {
        insertAll();
        String other = SyntheticRecords.zone(1);
        TrafficRow row = single(store.traffic(AnalyticsQuery.builder(other, START, START.plus(Duration.ofDays(30))).build()));
        assertThat(row.requests()).isEqualTo(zone(other).size()).isNotEqualTo(zone(ZONE).size());
    }

    @Test
    void badQueriesAreRefusedClearly() {
        assertThatThrownBy(() -> month().limit(0).build()).hasMessageContaining("limit: 0");
        assertThatThrownBy(() -> AnalyticsQuery.builder(ZONE, START, START).build()).hasMessageContaining("a start before the end");
        assertThatThrownBy(() -> Filter.eq(Dimension.STATUS, "200")).hasMessageContaining("filter on STATUS: '200' (expected: an integer)");
        assertThatThrownBy(() -> store.traffic(month().orderBy(AnalyticsQuery.Order.by(Measure.CONNECTIONS, true)).build()))
                .hasMessageContaining("order: CONNECTIONS");
    }

    private static <T> T single(List<T> rows) {
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    private static long sum(List<RequestLog> logs, Function<RequestLog, Long> field) {
        return logs.stream().mapToLong(field::apply).sum();
    }

    private static Instant truncate(Instant t, TimeBucket bucket) {
        return t.truncatedTo(switch (bucket) {
            case MINUTE -> java.time.temporal.ChronoUnit.MINUTES;
            case HOUR -> java.time.temporal.ChronoUnit.HOURS;
            case DAY -> java.time.temporal.ChronoUnit.DAYS;
        });
    }

    /** As SQL's quantile_cont and percentile_cont interpolate. */
    private static double continuousQuantile(List<Long> sorted, double q) {
        double position = q * (sorted.size() - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(sorted.size() - 1, lower + 1);
        return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
    }
}
