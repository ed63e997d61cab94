package dev.pier.logpush;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.store.ProcessSpool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-over as two processes on one machine live it, played by two nodes with process ids of
 * their own on one spool directory: both run the same job at once while its destination (a
 * directory) is away, then the old one stops with batches unsent and the new one, once the old
 * one no longer runs, delivers them beside its own: every record arrives exactly once.
 */
class LogpushHandOverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JobRunner.Backoff FAST = new JobRunner.Backoff(Duration.ofMillis(50), Duration.ofMillis(200));
    private static final long OLD = 901;
    private static final long NEW = 902;

    @TempDir
    Path dir;

    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private LogpushNode old;
    private LogpushNode successor;

    @AfterEach
    void stop() {
        for (LogpushNode node : new LogpushNode[] {old, successor}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void twoProcessesOnOneJobSpoolApartAndWhatTheOldOneLeftIsDeliveredOnceByTheNewOne() throws Exception {
        Path target = dir.resolve("logs");
        Files.writeString(target, "not a directory yet: deliveries fail"); // the destination is away
        LogpushJob job = new LogpushJob(5, "example.com", Dataset.HTTP_REQUESTS, "file://" + target, true,
                OutputOptions.fromJson(JSON.readTree("{\"field_names\":[\"RayID\"]}"), Dataset.HTTP_REQUESTS), null,
                1_000_000, 10, 1);
        old = node(OLD);
        successor = node(NEW);
        old.apply(List.of(job));
        successor.apply(List.of(job));

        Thread oldFeed = Thread.ofPlatform().start(() -> feed(old, "old", 300));
        Thread newFeed = Thread.ofPlatform().start(() -> feed(successor, "new", 300));
        oldFeed.join();
        newFeed.join();
        await(() -> old.spooledBatches() == 30 && successor.spooledBatches() == 30, Duration.ofSeconds(20));
        assertThat(folders(dir.resolve("spool/5"))).containsExactly(Long.toString(OLD), Long.toString(NEW));

        old.close(); // the old process stops its jobs with 30 batches unsent, then exits
        old = null;
        running.remove(OLD);
        Files.delete(target); // the destination is back
        await(() -> rayIds(target).size() == 600 && successor.spooledBatches() == 0, Duration.ofSeconds(30));

        Map<String, Integer> arrived = new HashMap<>();
        rayIds(target).forEach(ray -> arrived.merge(ray, 1, Integer::sum));
        assertThat(arrived).hasSize(600);
        assertThat(arrived.values()).allMatch(n -> n == 1);
        assertThat(successor.delivered()).isEqualTo(600);
        assertThat(folders(target)).hasSize(60); // a file per batch: no two batches got one name
        assertThat(folders(dir.resolve("spool/5"))).containsExactly(Long.toString(NEW));

        running.add(OLD); // a process that still runs the job keeps its folder, and the job's directory, when the job is deleted
        Files.createDirectories(dir.resolve("spool/5/" + OLD));
        successor.apply(List.of());
        assertThat(folders(dir.resolve("spool/5"))).containsExactly(Long.toString(OLD));
        running.remove(OLD); // once it no longer runs, the next apply sweeps the deleted job's directory
        successor.apply(List.of());
        assertThat(dir.resolve("spool/5")).doesNotExist();
    }

    private LogpushNode node(long pid) {
        running.add(pid);
        return new LogpushNode(dir.resolve("spool"), DestinationTrust.with(List.of()), 1_000, FAST, JobStatus.NONE,
                new ProcessSpool.Processes(pid, running::contains, Duration.ofMillis(100)));
    }

    private static void feed(LogpushNode node, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            node.accept(Records.request(prefix + i, "example.com", "/", 200));
        }
    }

    private static List<String> folders(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> rayIds(Path target) {
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.toString().endsWith(".log.gz")).flatMap(f -> {
                try (InputStream gz = new GZIPInputStream(Files.newInputStream(f))) {
                    return new String(gz.readAllBytes(), StandardCharsets.UTF_8).lines().map(LogpushHandOverTest::rayId).toList().stream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String rayId(String line) {
        try {
            JsonNode json = JSON.readTree(line);
            return json.get("RayID").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", timeout).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
