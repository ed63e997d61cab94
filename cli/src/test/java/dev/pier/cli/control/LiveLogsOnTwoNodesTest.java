package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.cli.PierProcesses;
import dev.pier.cli.control.LiveLogsTest.Lines;
import dev.pier.cli.demo.EchoOrigin;
import dev.pier.control.StoredZones;
import dev.pier.control.api.ControlApi;
import dev.pier.control.api.Permission;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code pier serve} processes on one PostgreSQL (127.0.0.1:5432, database {@code test}, a
 * schema of the test's own): a live log session created on node A streams the zone's records
 * of both nodes, with its fields and filter honoured on each; a new session created on node B
 * ends A's and streams A's records to B's listener.
 */
class LiveLogsOnTwoNodesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();
    String token;
    String zoneId;

    @Test
    void aSessionOnOneNodeStreamsTheRecordsOfBothWithItsFilter() throws Exception {
        String schema = "pier_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        String storeUrl = SERVER + "?user=postgres&currentSchema=" + schema;
        Process a = null;
        Process b = null;
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            Path zones = Files.writeString(dir.resolve("zones.yaml"),
                    "listeners: [ { address: 127.0.0.1:1 } ]\n" + TestControlPlane.zoneInFrontOf(origin.port()));
            try (Store store = JdbcStore.postgres(storeUrl, null, null, StoreKeys.none())) {
                StoredZones.importYaml(zones, store, "test");
                zoneId = store.zones("127.0.0.1", 1, 1).items().get(0).id();
                token = new ControlApi(store).credentials().issueToken("test", EnumSet.allOf(Permission.class), Set.of(), "test");
            }
            a = PierProcesses.start(dir, "a", "serve", "--config", node("a").toString(), "--store", storeUrl);
            b = PierProcesses.start(dir, "b", "serve", "--config", node("b").toString(), "--store", storeUrl);
            int portA = PierProcesses.loggedPort(dir, "a", "Listening on");
            int portB = PierProcesses.loggedPort(dir, "b", "Listening on");
            int adminA = PierProcesses.loggedPort(dir, "a", "Admin listener on");
            int adminB = PierProcesses.loggedPort(dir, "b", "Admin listener on");

            JsonNode job = create(adminA, """
                    {"fields":"ClientRequestPath,EdgeResponseStatus","kind":"instant-logs",
                     "filter":"{\\"where\\":{\\"key\\":\\"ClientRequestPath\\",\\"operator\\":\\"startsWith\\",\\"value\\":\\"/api\\"}}"}
                    """);
            Lines onA = listen(job.get("destination_conf").asText());
            // B learns of the session within moments of its creation (or of B's start): probe until B's records arrive
            boolean relayed = false;
            for (int i = 0; i < 60 && !relayed; i++) {
                get(portB, "/api/probe");
                JsonNode line = onA.lines.poll(500, TimeUnit.MILLISECONDS);
                relayed = line != null && line.get("ClientRequestPath").asText().equals("/api/probe");
            }
            assertThat(relayed).as("a record of node B reached the session on node A").isTrue();

            get(portB, "/elsewhere-b");
            get(portB, "/api/from-b");
            get(portA, "/elsewhere-a");
            get(portA, "/api/from-a");
            List<String> paths = new ArrayList<>();
            while (!paths.containsAll(List.of("/api/from-b", "/api/from-a"))) {
                JsonNode r = onA.next();
                assertThat(r.properties()).extracting(e -> e.getKey()).containsExactly("ClientRequestPath", "EdgeResponseStatus");
                paths.add(r.get("ClientRequestPath").asText());
            }
            Thread.sleep(500);
            onA.lines.forEach(r -> paths.add(r.path("ClientRequestPath").asText()));
            assertThat(paths).allMatch(p -> p.startsWith("/api/")); // neither node's /elsewhere came

            // a new session of the zone on B ends A's; A's records now travel to B
            JsonNode second = create(adminB, "{\"fields\":\"ClientRequestPath\"}");
            assertThat(onA.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 a new live log session of this zone replaced this one");
            Lines onB = listen(second.get("destination_conf").asText());
            boolean fromA = false;
            for (int i = 0; i < 60 && !fromA; i++) {
                get(portA, "/from-a-to-b");
                JsonNode line = onB.lines.poll(500, TimeUnit.MILLISECONDS);
                fromA = line != null && line.get("ClientRequestPath").asText().equals("/from-a-to-b");
            }
            assertThat(fromA).as("a record of node A reached the session on node B").isTrue();
        } finally {
            for (Process p : new Process[] {a, b}) {
                if (p != null) {
                    p.destroyForcibly().waitFor();
                }
            }
            try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private Path node(String name) throws Exception {
        return Files.writeString(dir.resolve(name + ".yaml"), "listeners: [ { address: 127.0.0.1:0 } ]\nadmin: { address: 127.0.0.1:0 }\n"
                + "request_log: " + name + ".ndjson\nzones: []\n");
    }

    private JsonNode create(int admin, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin + "/client/v4/zones/" + zoneId + "/logpush/edge/jobs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("success").asBoolean()).as(r.body()).isTrue();
        return answer.get("result");
    }

    private Lines listen(String address) {
        Lines lines = new Lines();
        http.newWebSocketBuilder().buildAsync(URI.create(address), lines).join();
        return lines;
    }

    private void get(int port, String path) throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
