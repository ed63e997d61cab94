package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.cli.PierProcesses;
import dev.pier.cli.demo.EchoOrigin;
import dev.pier.config.Certificates;
import dev.pier.control.StoredZones;
import dev.pier.control.api.ControlApi;
import dev.pier.control.api.Permission;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import dev.pier.logpush.DestinationTrust;
import dev.pier.logpush.support.IngestEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
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
 * {@code pier serve --store} runs the store's Logpush jobs: a job made through the API pushes the
 * edge's records to a real https endpoint (a self-signed certificate trusted through
 * {@code PIER_LOGPUSH_CA_FILE}) that is down for a minute, and every record that passes the job's
 * filter arrives exactly once, in the job's fields and timestamp format, while the job shows
 * Cloudflare's {@code last_complete}, {@code last_error} and {@code error_message}; and jobs made and
 * deleted while the node runs start and stop pushing within a second or so.
 */
class LogpushProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILTER = "{\"where\":{\"and\":[{\"key\":\"ClientRequestPath\",\"operator\":\"startsWith\",\"value\":\"/api\"},"
            + "{\"key\":\"EdgeResponseStatus\",\"operator\":\"eq\",\"value\":200}]}}";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Certificates.SelfSigned certificate = Certificates.selfSigned("127.0.0.1");
    private final IngestEndpoint endpoint = new IngestEndpoint(certificate, "Bearer s3cret", null);
    private final Map<String, Integer> arrived = endpoint.arrived();
    private String zoneId;
    private String token;
    private int edgePort;
    private int adminPort;

    @AfterEach
    void stopEndpoint() {
        endpoint.stop();
    }

    @Test
    void everyMatchingRecordArrivesOnceThoughTheEndpointIsDownForAMinute() throws Exception {
        int port = endpoint.start(0);
        Path ca = dir.resolve("endpoint-ca.pem");
        Files.writeString(ca, certificate.certificatePem());
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            Process pier = serve(origin.port(), Map.of(DestinationTrust.CA_FILE_VARIABLE, ca.toString()));
            try {
                ObjectNode job = JSON.createObjectNode().put("dataset", "http_requests").put("enabled", true).put("name", "edge")
                        .put("destination_conf", "https://127.0.0.1:" + port + "/ingest?header_Authorization=Bearer%20s3cret")
                        .put("filter", FILTER).put("max_upload_interval_seconds", 30).put("max_upload_records", 1000);
                job.set("output_options", JSON.readTree("{\"field_names\":[\"RayID\",\"ClientRequestPath\",\"EdgeStartTimestamp\","
                        + "\"EdgeResponseStatus\"],\"timestamp_format\":\"unix\"}"));
                JsonNode created = api("POST", "/zones/" + zoneId + "/logpush/jobs", job.toString());
                long id = created.path("result").path("id").asLong();
                assertThat(created.path("result").path("last_complete").isNull()).as(created.toString()).isTrue();
                long start = Instant.now().getEpochSecond();

                Set<String> expected = new HashSet<>();
                Set<String> unexpected = new HashSet<>();
                traffic(0, 10, expected, unexpected);
                await(() -> arrived.keySet().containsAll(expected), Duration.ofSeconds(90));
                // the status is reported once the endpoint's answer came back, just after the records arrived
                JsonNode delivered = job(id, j -> j.path("last_complete").isTextual());
                assertThat(delivered.path("last_complete").isTextual()).as(delivered.toString()).isTrue();
                assertThat(delivered.path("last_error").isNull()).isTrue();

                endpoint.stop(); // down for a minute: connections are refused while traffic goes on
                long downUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int n = 10;
                while (System.nanoTime() < downUntil) {
                    traffic(n, n + 2, expected, unexpected);
                    n += 2;
                    Thread.sleep(2_000);
                }
                JsonNode failing = job(id, j -> j.path("last_error").isTextual());
                assertThat(failing.path("last_error").isTextual()).as("a failed delivery shows: %s", failing).isTrue();
                assertThat(failing.path("error_message").asText()).isNotEmpty();
                assertThat(failing.path("last_complete")).as("kept from the last success").isEqualTo(delivered.path("last_complete"));
                int whileDown = arrived.size();

                endpoint.start(port); // back on the same address
                traffic(n, n + 10, expected, unexpected);
                await(() -> arrived.keySet().containsAll(expected), Duration.ofSeconds(180));
                Thread.sleep(1_000); // a repeat would arrive now

                assertThat(whileDown).as("nothing arrives while the endpoint is down").isEqualTo(10 / 2);
                assertThat(endpoint.problems()).isEmpty();
                assertThat(arrived.keySet()).as("every matching record, no other").isEqualTo(expected);
                assertThat(arrived.values()).as("each once").allMatch(count -> count == 1);
                assertThat(arrived.keySet()).doesNotContainAnyElementsOf(unexpected);
                long end = Instant.now().getEpochSecond();
                for (JsonNode line : endpoint.lines()) {
                    List<String> names = new ArrayList<>();
                    line.fieldNames().forEachRemaining(names::add);
                    assertThat(names).containsExactly("RayID", "ClientRequestPath", "EdgeStartTimestamp", "EdgeResponseStatus");
                    assertThat(line.get("EdgeStartTimestamp").isIntegralNumber()).as("unix: %s", line).isTrue();
                    assertThat(line.get("EdgeStartTimestamp").asLong()).isBetween(start - 1, end);
                    assertThat(line.get("ClientRequestPath").asText()).startsWith("/api/");
                }
                JsonNode recovered = job(id, j -> j.path("last_error").isNull());
                assertThat(recovered.path("last_error").isNull()).as("a success clears the failure: %s", recovered).isTrue();
                assertThat(recovered.path("error_message").isNull()).isTrue();
                assertThat(Instant.parse(recovered.path("last_complete").asText()))
                        .isAfter(Instant.parse(delivered.path("last_complete").asText()));
                assertThat(dir.resolve("logpush-spool/" + id)).isDirectory();
                try (Stream<Path> spooled = Files.list(dir.resolve("logpush-spool/" + id))) {
                    assertThat(spooled.filter(p -> p.toString().endsWith(".batch")).toList()).as("delivered batches leave the spool").isEmpty();
                }
            } finally {
                pier.destroy();
                pier.waitFor();
            }
        }
    }

    @Test
    void aJobMadeWhileTheNodeRunsPushesAndADeletedOneStops() throws Exception {
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            Process pier = serve(origin.port(), Map.of());
            try {
                Path first = dir.resolve("first");
                Path second = dir.resolve("second");
                long one = fileJob(first);
                await(() -> Files.isDirectory(dir.resolve("logpush-spool/" + one)), Duration.ofSeconds(3));
                List<String> firstPaths = List.of("/api/one/0", "/api/one/1", "/api/one/2");
                firstPaths.forEach(this::get);
                await(() -> paths(first).size() == 3, Duration.ofSeconds(90));
                assertThat(paths(first)).containsExactlyInAnyOrderElementsOf(firstPaths);

                api("DELETE", "/zones/" + zoneId + "/logpush/jobs/" + one, null);
                await(() -> !Files.exists(dir.resolve("logpush-spool/" + one)), Duration.ofSeconds(3));
                long two = fileJob(second);
                await(() -> Files.isDirectory(dir.resolve("logpush-spool/" + two)), Duration.ofSeconds(3));
                List<String> secondPaths = List.of("/api/two/0", "/api/two/1");
                secondPaths.forEach(this::get);
                await(() -> paths(second).size() == 2, Duration.ofSeconds(90));
                Thread.sleep(1_000);

                assertThat(paths(second)).containsExactlyInAnyOrderElementsOf(secondPaths);
                assertThat(paths(first)).as("the deleted job pushed nothing more").containsExactlyInAnyOrderElementsOf(firstPaths);
                String metrics = metrics();
                assertThat(metrics).containsPattern("pier_logpush_jobs(\\{[^}]*})? 1\\.0")
                        .containsPattern("pier_logpush_delivered_records_total(\\{[^}]*})? 5\\.0")
                        .containsPattern("pier_livelogs_dropped_records_total(\\{[^}]*})? 0\\.0");
            } finally {
                pier.destroy();
                pier.waitFor();
            }
        }
    }

    /** The job as GET shows it, once {@code until} holds of it (or after 5 s: the caller's assertions then say what differs). */
    private JsonNode job(long id, java.util.function.Predicate<JsonNode> until) throws Exception {
        JsonNode job = null;
        for (int i = 0; i < 50; i++) {
            job = api("GET", "/zones/" + zoneId + "/logpush/jobs/" + id, null).path("result");
            if (until.test(job)) {
                break;
            }
            Thread.sleep(100);
        }
        return job;
    }

    /** A job pushing the zone's records to a directory, every record's path, as NDJSON. */
    private long fileJob(Path target) throws Exception {
        ObjectNode job = JSON.createObjectNode().put("dataset", "http_requests").put("enabled", true)
                .put("destination_conf", "file://" + target).put("max_upload_interval_seconds", 30);
        job.set("output_options", JSON.readTree("{\"field_names\":[\"ClientRequestPath\"]}"));
        return api("POST", "/zones/" + zoneId + "/logpush/jobs", job.toString()).path("result").path("id").asLong();
    }

    private static List<String> paths(Path target) {
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(target)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log.gz")).toList()) {
                for (String line : new String(IngestEndpoint.gunzip(Files.newInputStream(f)), StandardCharsets.UTF_8).split("\n")) {
                    all.add(JSON.readTree(line).path("ClientRequestPath").asText());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return all;
    }

    /** Requests {@code from} to {@code to}: even ones under /api (they match the filter), odd ones not. */
    private void traffic(int from, int to, Set<String> expected, Set<String> unexpected) {
        for (int i = from; i < to; i++) {
            boolean matching = i % 2 == 0;
            String ray = get((matching ? "/api/items/" : "/static/app-") + i);
            assertThat(ray).as("the edge names each request's RayID").isNotBlank();
            (matching ? expected : unexpected).add(ray);
        }
    }

    /** A request through the edge; its RayID. */
    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            return response.headers().firstValue("pier-ray").orElse("");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code pier serve} with an embedded store holding the zone 127.0.0.1 in front of the origin, and a Logs Write token. */
    private Process serve(int originPort, Map<String, String> environment) throws Exception {
        Path zones = Files.writeString(dir.resolve("zones.yaml"),
                "listeners: [ { address: 127.0.0.1:1 } ]\n" + TestControlPlane.zoneInFrontOf(originPort));
        try (Store store = JdbcStore.embedded(dir.resolve("store"))) {
            StoredZones.importYaml(zones, store, "test");
            zoneId = store.zones("127.0.0.1", 1, 1).items().get(0).id();
            token = new ControlApi(store).credentials().issueToken("logs", EnumSet.of(Permission.LOGS_READ, Permission.LOGS_WRITE, Permission.ANALYTICS_READ), Set.of(),
                    "test");
        }
        Path config = Files.writeString(dir.resolve("pier.yaml"), "listeners: [ { address: 127.0.0.1:0 } ]\n"
                + "admin: { address: 127.0.0.1:0 }\nrequest_log: \"-\"\nzones: []\n");
        Process pier = PierProcesses.start(dir, "pier", environment, "serve", "--config", config.toString(), "--store",
                "embedded:" + dir.resolve("store"));
        edgePort = PierProcesses.loggedPort(dir, "pier", "Listening on");
        adminPort = PierProcesses.loggedPort(dir, "pier", "Admin listener on");
        return pier;
    }

    /** The node's {@code /metrics}, read with the token (it has Analytics Read on every zone). */
    private String metrics() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private JsonNode api(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/client/v4" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", timeout).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
