package dev.pier.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request log file: whole lines, every record accepted written, memory bounded when the disk fails. */
class NdjsonRequestLogWriterTest {

    private static final JsonFactory JSON = new JsonFactory();

    @TempDir
    Path dir;

    @Test
    void everyRecordIsOneLineOfJsonInTheOrderGiven() throws Exception {
        Path file = dir.resolve("logs/requests.ndjson");
        RequestLogStats stats = new RequestLogStats();
        try (NdjsonRequestLogWriter writer = new NdjsonRequestLogWriter(file, 1_000, stats)) {
            for (int i = 0; i < 20_000; i++) {
                while (writer.queued() > 900) {
                    Thread.sleep(1); // a producer that waits for the disk loses nothing
                }
                writer.accept(record(i));
            }
        }
        assertThat(rayIds(file)).hasSize(20_000).startsWith("ray-0", "ray-1").endsWith("ray-19999");
        assertThat(stats.written()).isEqualTo(20_000);
        assertThat(stats.dropped()).isZero();
        assertThat(stats.writeFailures()).isZero();
    }

    /**
     * The log file is a link to {@code /dev/full} (every write fails with "no space left"), then
     * to a real file, as a disk that fills up and is cleaned: the writer keeps retrying, holds at
     * most its capacity meanwhile, drops and counts the rest, and once the disk is back writes
     * every record it had accepted, each exactly once, in whole lines.
     */
    @Test
    void aFullDiskLosesNothingAcceptedAndHoldsOnlyItsCapacity() throws Exception {
        Path file = dir.resolve("requests.ndjson");
        Files.createSymbolicLink(file, Paths.get("/dev/full"));
        RequestLogStats stats = new RequestLogStats();
        int capacity = 500;
        int sent = 5_000;
        try (NdjsonRequestLogWriter writer = new NdjsonRequestLogWriter(file, capacity, stats)) {
            for (int i = 0; i < sent; i++) {
                writer.accept(record(i));
                assertThat(writer.queued()).isLessThanOrEqualTo(capacity);
            }
            await(() -> stats.writeFailures() >= 2);
            assertThat(stats.written()).isZero();
            // the queue, and one batch taken from it, at the most; everything else was refused and counted
            assertThat(stats.dropped()).isGreaterThanOrEqualTo(sent - 2L * capacity);

            Path real = dir.resolve("real.ndjson");
            Path link = dir.resolve("link.tmp");
            Files.createSymbolicLink(link, real);
            Files.move(link, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await(() -> stats.written() + stats.dropped() == sent);
        }
        List<String> written = rayIds(dir.resolve("real.ndjson"));
        assertThat(written).hasSize((int) stats.written()).doesNotHaveDuplicates();
        assertThat(stats.written()).isEqualTo(sent - stats.dropped()).isPositive();
        assertThat(written.get(0)).isEqualTo("ray-0"); // the first batch was held through the failures, not dropped
    }

    private static RequestLog record(int i) {
        return RequestLog.builder().rayId("ray-" + i).zoneName("example.com").clientRequestUri("/x?i=" + i)
                .edgeStartTimestamp(Instant.EPOCH).finish(Instant.EPOCH);
    }

    /** The RayID of every line, each line checked to be one whole JSON object. */
    private static List<String> rayIds(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String text = Files.readString(file);
        assertThat(text).endsWith("\n");
        for (String line : text.split("\n")) {
            try (JsonParser p = JSON.createParser(line)) {
                assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
                String ray = null;
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    if ("RayID".equals(name)) {
                        ray = p.getText();
                    }
                    p.skipChildren();
                }
                assertThat(p.nextToken()).as("one object a line").isNull();
                ids.add(ray);
                seen.add(ray);
            }
        }
        return ids;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
