package dev.pier.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink loses nothing and counts nothing twice while its store fails, is away, or is restarted. */
class StoreShippingSinkTest {

    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path data;

    private static List<RequestLog> records(int count) {
        List<RequestLog> records = new ArrayList<>();
        new SyntheticRecords(11, 1, START, Duration.ofHours(6), count).forEachRemaining(records::add);
        return records;
    }

    private static long requests(AnalyticsStore store) {
        return store.traffic(AnalyticsQuery.builder(SyntheticRecords.zone(0), START, START.plus(Duration.ofDays(1))).build())
                .getFirst().requests();
    }

    @Test
    void failingInsertsLoseAndDuplicateNothing() throws Exception {
        List<RequestLog> records = records(5_000);
        try (AnalyticsStore duck = AnalyticsStore.open("analytics.duckdb", data, Retention.DEFAULT)) {
            FailingStore failing = new FailingStore(duck, 4);
            try (StoreShippingSink sink = new StoreShippingSink(failing, data.resolve("spool"), 10_000, 300, 1L << 30)) {
                Thread[] feeders = new Thread[4]; // as event loops do, from several threads at once
                for (int t = 0; t < feeders.length; t++) {
                    int first = t;
                    feeders[t] = Thread.ofPlatform().start(() -> {
                        for (int i = first; i < records.size(); i += feeders.length) {
                            sink.accept(records.get(i));
                        }
                    });
                }
                for (Thread feeder : feeders) {
                    feeder.join();
                }
                assertThat(sink.awaitShipped(Duration.ofSeconds(60))).isTrue();
                assertThat(sink.insertFailures()).isEqualTo(4);
                assertThat(failing.committedButFailed.get()).isEqualTo(2);
                assertThat(sink.dropped()).isZero();
                assertThat(requests(duck)).isEqualTo(records.size());
                assertThat(spoolFiles()).isEmpty();
                var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
                sink.bindTo(registry);
                assertThat(registry.get("pier.analytics.shipped.records").functionCounter().count()).isEqualTo(records.size());
                assertThat(registry.get("pier.analytics.insert.failures").functionCounter().count()).isEqualTo(4);
                assertThat(registry.get("pier.analytics.spooled.batches").gauge().value()).isZero();
            }
        }
    }

    @Test
    void recordsComingOneAtATimeAreInsertedAboutOnceASecond() throws Exception {
        List<RequestLog> records = records(60);
        try (AnalyticsStore duck = AnalyticsStore.open("analytics.duckdb", data, Retention.DEFAULT)) {
            FailingStore counting = new FailingStore(duck, 0);
            try (StoreShippingSink sink = new StoreShippingSink(counting, data.resolve("spool"))) {
                long start = System.nanoTime();
                for (RequestLog r : records) { // a record every 20 ms or so, as connections end now and then
                    sink.accept(r);
                    Thread.sleep(20);
                }
                long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
                assertThat(sink.awaitShipped(Duration.ofSeconds(30))).isTrue();
                assertThat(requests(duck)).isEqualTo(records.size());
                // a transaction costs milliseconds of CPU however few records it carries: not one a record
                assertThat(counting.inserts.get()).isBetween(1, (int) seconds + 2);
            }
        }
    }

    @Test
    void postgresAwayThenBack() throws Exception {
        String schema = TestPostgres.newSchema();
        AtomicBoolean up = new AtomicBoolean(false);
        // the node starts while PostgreSQL is away (a closed port); the same store comes back later
        try (ReconnectingAnalyticsStore store = new ReconnectingAnalyticsStore(() -> up.get() ? TestPostgres.open(schema, Retention.DEFAULT)
                : PostgresAnalyticsStore.open("jdbc:postgresql://127.0.0.1:1/test?user=postgres&connectTimeout=1", schema, Retention.DEFAULT));
             StoreShippingSink sink = new StoreShippingSink(store, data.resolve("spool"), 10_000, 250, 1L << 30)) {
            List<RequestLog> records = records(3_000);
            records.subList(0, 2_000).forEach(sink::accept);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sink.insertFailures() < 1 && System.nanoTime() < deadline) { // an attempt to open waits up to 5 s
                Thread.sleep(50);
            }
            assertThat(sink.insertFailures()).isPositive();
            assertThat(sink.shipped()).as("nothing reaches a store that is away").isZero();
            assertThat(sink.spooledBatches()).isPositive();
            up.set(true);
            records.subList(2_000, 3_000).forEach(sink::accept);
            assertThat(sink.awaitShipped(Duration.ofSeconds(60))).isTrue();
            assertThat(requests(store)).isEqualTo(3_000);
            assertThat(sink.dropped()).isZero();
        } finally {
            TestPostgres.drop(schema);
        }
    }

    @Test
    void whatWaitsOnDiskAtCloseIsSentByTheNextSink() throws Exception {
        List<RequestLog> records = records(2_000);
        Path spool = data.resolve("spool");
        try (AnalyticsStore duck = AnalyticsStore.open("analytics.duckdb", data, Retention.DEFAULT)) {
            StoreShippingSink first = new StoreShippingSink(new FailingStore(duck, Integer.MAX_VALUE), spool, 10_000, 500, 1L << 30);
            records.forEach(first::accept);
            first.close(Duration.ofMillis(300)); // the store never answered: the batches stay spooled
            assertThat(spoolFiles()).isNotEmpty();
            try (StoreShippingSink second = new StoreShippingSink(duck, spool, 10_000, 500, 1L << 30)) {
                assertThat(second.awaitShipped(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(requests(duck)).isEqualTo(records.size());
            assertThat(spoolFiles()).isEmpty();
        }
    }

    @Test
    void aFullQueueDropsAndCounts() throws Exception {
        try (AnalyticsStore duck = AnalyticsStore.open("analytics.duckdb", data, Retention.DEFAULT);
             StoreShippingSink sink = new StoreShippingSink(duck, data.resolve("spool"), 10, 10, 1)) {
            records(2_000).forEach(sink::accept);
            // the spool limit (1 byte) is reached by the first batch: what follows is dropped, and counted
            assertThat(sink.awaitShipped(Duration.ofSeconds(30))).isTrue();
            assertThat(sink.dropped()).isPositive();
            assertThat(sink.dropped() + sink.shipped()).isEqualTo(2_000);
            assertThat(requests(duck)).isEqualTo(sink.shipped());
        }
    }

    @Test
    void spooledRecordsReadBackTheSame() throws Exception {
        RequestLog full = RequestLog.builder().rayId("a1").zoneName("z").clientIp("::1").clientSrcPort(5).clientRequestHost("h")
                .clientRequestMethod("GET").clientRequestUri("/x?y").clientRequestProtocol("HTTP/1.1").clientRequestUserAgent("ua \"q\"")
                .clientRequestBytes(10).edgeStartTimestamp(START).edgeResponseStatus(101).edgeResponseBytes(20).originResponseStatus(101)
                .originResponseBytes(30).originIp("127.0.0.1").edgeError("X").securityAction("log").securityRuleId("r")
                .securityActions(List.of("log", "skip")).securityRuleIds(List.of("r", "s")).securitySources(List.of("firewallCustom", "rateLimit"))
                .wafAttackScore(50).wafSqliAttackScore(60).wafXssAttackScore(70).wafRceAttackScore(80).webSocket(true)
                .webSocketClientMessages(3).webSocketOriginMessages(4).webSocketCloseCode(1006).webSocketClosedBy(RequestLog.ClosedBy.origin)
                .workerScriptName("w").workerStatus("ok").addWorkerCpuTime(7).workerWallTimeUs(8).finish(START.plusNanos(123_456_789));
        List<RequestLog> batch = new ArrayList<>(records(50));
        batch.add(full);
        assertThat(SpoolCodec.decode(SpoolCodec.encode(batch))).isEqualTo(batch);
    }

    private List<Path> spoolFiles() throws Exception {
        try (Stream<Path> files = Files.walk(data.resolve("spool"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
