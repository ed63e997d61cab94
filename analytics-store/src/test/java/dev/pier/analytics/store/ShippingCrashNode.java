package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A node for {@link ShippingCrashTest}, run in a JVM of its own: ships {@code count} records to a
 * DuckDB store in the data directory through a slow store (so that a kill lands in the middle of
 * inserts), prints {@code spooled} once every record is on disk, then {@code shipped N} as the
 * store acknowledges them, until it is killed.
 */
public final class ShippingCrashNode {

    static final Instant START = Instant.parse("2026-12-02T00:00:00Z");

    private ShippingCrashNode() {
    }

    static SyntheticRecords records(int count) {
        return new SyntheticRecords(23, 1, START, Duration.ofHours(2), count);
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        AnalyticsStore duck = AnalyticsStore.open("analytics.duckdb", data, Retention.DEFAULT);
        AnalyticsStore slow = new AnalyticsStore() {
            @Override
            public int insert(List<RequestLog> records) {
                pause();
                int inserted = duck.insert(records);
                pause(); // committed, not yet acknowledged: a kill here leaves a batch to send again
                return inserted;
            }

            private void pause() {
                try {
                    Thread.sleep(15);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public List<TrafficRow> traffic(AnalyticsQuery query) {
                return duck.traffic(query);
            }

            @Override
            public List<WebSocketRow> webSockets(AnalyticsQuery query) {
                return duck.webSockets(query);
            }

            @Override
            public List<UniquesRow> uniques(AnalyticsQuery query) {
                return duck.uniques(query);
            }

            @Override
            public Retention retention() {
                return duck.retention();
            }

            @Override
            public void applyRetention(Instant now) {
                duck.applyRetention(now);
            }

            @Override
            public void close() {
                duck.close();
            }
        };
        StoreShippingSink sink = new StoreShippingSink(slow, data.resolve("spool"), count, 50, 1L << 30);
        records(count).forEachRemaining(sink::accept);
        if (!sink.awaitSpooled(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the records did not reach the spool");
        }
        System.out.println("spooled");
        long last = -1;
        while (true) {
            long shipped = sink.shipped();
            if (shipped != last) {
                System.out.println("shipped " + shipped);
                last = shipped;
            }
            Thread.sleep(5);
        }
    }
}
