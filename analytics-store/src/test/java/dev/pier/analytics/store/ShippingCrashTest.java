package dev.pier.analytics.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node SIGKILLed in the middle of shipping (batches spooled, some inserted, one perhaps
 * committed but not yet trimmed from the spool) loses none of its spooled records and counts none
 * twice: the next sink on the same data directory sends what the spool still holds.
 */
class ShippingCrashTest {

    private static final int RECORDS = 4_000;

    @TempDir
    Path data;

    @Test
    void aKilledNodeResendsWhatWasNotAcknowledgedAndNoMore() throws Exception {
        long shippedBeforeKill = killMidShipping();
        assertThat(shippedBeforeKill).as("killed in the middle").isPositive().isLessThan(RECORDS);

        try (AnalyticsStore duck = AnalyticsStore.open("analytics.duckdb", data, Retention.DEFAULT)) {
            long stored = requests(duck);
            assertThat(stored).as("what the killed node acknowledged is stored").isGreaterThanOrEqualTo(shippedBeforeKill);
            try (StoreShippingSink sink = new StoreShippingSink(duck, data.resolve("spool"))) {
                assertThat(sink.spooledBatches()).isPositive();
                assertThat(sink.awaitShipped(Duration.ofSeconds(60))).isTrue();
            }
            assertThat(requests(duck)).isEqualTo(RECORDS);
        }
    }

    private long killMidShipping() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ShippingCrashNode.class.getName(), data.toString(), Integer.toString(RECORDS));
        Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long shipped = 0;
        boolean spooled = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals("spooled")) {
                    spooled = true;
                } else if (line.startsWith("shipped ")) {
                    shipped = Long.parseLong(line.substring("shipped ".length()));
                    if (spooled && shipped >= RECORDS / 4 && node.isAlive()) {
                        node.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no close
                    }
                }
            }
        } finally {
            node.toHandle().destroyForcibly();
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(spooled).isTrue();
        return shipped;
    }

    private static long requests(AnalyticsStore store) {
        return store.traffic(AnalyticsQuery.builder(SyntheticRecords.zone(0), ShippingCrashNode.START,
                ShippingCrashNode.START.plus(Duration.ofDays(1))).build()).getFirst().requests();
    }
}
