package dev.pier.logpush;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.RequestLog;
import dev.pier.config.Certificates;
import dev.pier.logpush.support.IngestEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs delivering to a real https endpoint (JDK HttpsServer, a self-signed certificate the node
 * trusts) that goes away for a while and comes back: every record that passes the filter arrives
 * once, with the chosen fields in order and the chosen timestamp format; and to a directory,
 * across a node's restart.
 */
class LogpushDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JobRunner.Backoff FAST = new JobRunner.Backoff(Duration.ofMillis(50), Duration.ofMillis(400));

    @TempDir
    Path dir;

    private final Certificates.SelfSigned certificate = Certificates.selfSigned("127.0.0.1");
    private final IngestEndpoint endpoint = new IngestEndpoint(certificate, "Bearer s3cret", "tag=pier");
    private final Map<String, Integer> arrived = endpoint.arrived();
    private LogpushNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        endpoint.stop();
    }

    @Test
    void everyRecordArrivesOnceThoughTheEndpointIsDownForAWhile() throws Exception {
        int port = endpoint.start(0);
        List<String> statuses = Collections.synchronizedList(new ArrayList<>());
        node = new LogpushNode(dir.resolve("spool"), DestinationTrust.with(List.of(certificate.certificate())), 1_000, FAST,
                new JobStatus() {
                    @Override
                    public void delivered(long jobId, java.time.Instant at) {
                        statuses.add("ok");
                    }

                    @Override
                    public void failed(long jobId, java.time.Instant at, String message) {
                        statuses.add("failed: " + message);
                    }
                });
        String filter = "{\"where\":{\"and\":[{\"key\":\"EdgeResponseStatus\",\"operator\":\"in\",\"value\":[200,404]},"
                + "{\"key\":\"ClientRequestPath\",\"operator\":\"startsWith\",\"value\":\"/api\"}]}}";
        OutputOptions options = OutputOptions.fromJson(JSON.readTree("{\"field_names\":[\"RayID\",\"EdgeResponseStatus\","
                + "\"EdgeStartTimestamp\",\"ClientRequestPath\"],\"timestamp_format\":\"rfc3339\"}"), Dataset.HTTP_REQUESTS);
        node.apply(List.of(new LogpushJob(7, "example.com", Dataset.HTTP_REQUESTS,
                "https://127.0.0.1:" + port + "/ingest?header_Authorization=Bearer%20s3cret&tag=pier", true, options, filter,
                1_000_000, 50, 1)));

        Set<String> expected = new HashSet<>();
        feed(0, 300, expected);
        await(() -> arrived.size() == expected.size(), Duration.ofSeconds(20));

        endpoint.stop(); // the endpoint goes away: connections are refused
        feed(300, 900, expected);
        Thread.sleep(3_000); // down for a while: batches pile up in the spool and deliveries fail
        JobRunner runner = node.runner(7);
        assertThat(runner.spooledBatches()).isGreaterThan(1);
        assertThat(statuses).anyMatch(s -> s.startsWith("failed: "));
        int before = arrived.size();

        endpoint.start(port); // back on the same address
        feed(900, 1_200, expected);
        await(() -> arrived.size() == expected.size() && runner.spooledBatches() == 0, Duration.ofSeconds(30));

        assertThat(before).isEqualTo(300 * 2 / 6);
        assertThat(endpoint.problems()).isEmpty();
        assertThat(arrived.keySet()).isEqualTo(expected);
        assertThat(arrived.values()).allMatch(n -> n == 1);
        assertThat(runner.dropped()).isZero();
        assertThat(node.delivered()).isEqualTo(expected.size());
        assertThat(node.spooledBatches()).isZero();
        for (JsonNode line : endpoint.lines()) {
            List<String> names = new ArrayList<>();
            line.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactly("RayID", "EdgeResponseStatus", "EdgeStartTimestamp", "ClientRequestPath");
            assertThat(line.get("EdgeStartTimestamp").asText()).isEqualTo("2026-05-01T12:00:00Z");
            assertThat(line.get("ClientRequestPath").asText()).startsWith("/api");
            assertThat(line.get("EdgeResponseStatus").asInt()).isIn(200, 404);
        }
        assertThat(statuses.getLast()).isEqualTo("ok");
    }

    /** Records numbered from {@code from}: a third under /api, statuses 200, 404 and 500 in turn, and another zone's. */
    private void feed(int from, int to, Set<String> expected) {
        for (int i = from; i < to; i++) {
            int status = new int[] {200, 404, 500}[i % 3];
            String path = i % 2 == 0 ? "/api/v1/items" : "/static/app.js";
            String ray = "ray" + i;
            node.accept(Records.request(ray, "example.com", path + "?n=" + i, status));
            node.accept(Records.inZone("other.example", "other" + i));
            if (status != 500 && path.startsWith("/api")) {
                expected.add(ray);
            }
        }
    }

    @Test
    void aDirectoryGetsEveryBatchAcrossARestartOfTheNode() throws Exception {
        Path target = dir.resolve("logs");
        LogpushJob job = new LogpushJob(3, "example.com", Dataset.WEBSOCKET_ANALYTICS, "file://" + target, true,
                OutputOptions.fromJson(JSON.readTree("{\"output_type\":\"csv\",\"field_names\":[\"ConnectionID\",\"BytesSentClient\"]}"),
                        Dataset.WEBSOCKET_ANALYTICS), null, 1_000_000, 10, 1);
        node = new LogpushNode(dir.resolve("spool"), DestinationTrust.with(List.of()), 1_000, FAST, JobStatus.NONE);
        node.apply(List.of(job));
        for (int i = 0; i < 25; i++) {
            node.accept(Records.webSocket("c" + i, 1000, RequestLog.ClosedBy.client));
            node.accept(Records.request("r" + i, "example.com", "/", 200)); // not a WebSocket: not in the dataset
        }
        node.close(); // spools what it holds
        node = new LogpushNode(dir.resolve("spool"), DestinationTrust.with(List.of()), 1_000, FAST, JobStatus.NONE);
        node.apply(List.of(job));
        await(() -> csvLines(target).size() == 25, Duration.ofSeconds(20));
        assertThat(csvLines(target)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 25).mapToObj(i -> "\"c" + i + "\",9000").toList());
        node.apply(List.of()); // deleted: its spool goes
        assertThat(dir.resolve("spool/3")).doesNotExist();
        assertThat(node.delivered()).as("a stopped job's deliveries stay counted").isEqualTo(25);
        assertThat(node.running()).isZero();
    }

    private static List<String> csvLines(Path target) {
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(target)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log.gz")).toList()) {
                String text = new String(IngestEndpoint.gunzip(Files.newInputStream(f)), StandardCharsets.UTF_8);
                text.lines().forEach(all::add);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return all;
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", timeout).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
