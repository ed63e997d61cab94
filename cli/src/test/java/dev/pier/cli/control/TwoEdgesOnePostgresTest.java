package dev.pier.cli.control;

import static dev.pier.cli.control.TestControlPlane.awaitWithinASecond;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.cli.PierProcesses;
import dev.pier.cli.demo.EchoOrigin;
import dev.pier.control.StoredZones;
import dev.pier.control.api.Permission;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two edge processes against one PostgreSQL (the development machine's, 127.0.0.1:5432,
 * database {@code test}): a PATCH through one node's API changes both within a second; kill
 * that node and the other keeps serving, and keeps following the store.
 */
class TwoEdgesOnePostgresTest {

    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Process serve(Path config, String store, String name) throws IOException {
        return PierProcesses.start(dir, name, "serve", "--config", config.toString(), "--store", store);
    }

    static void awaitListening(int port) throws InterruptedException {
        PierProcesses.awaitListening(port);
    }

    boolean upgradeRefused(int port) {
        try {
            http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new java.net.http.WebSocket.Listener() {
            }).join().abort();
            return false;
        } catch (CompletionException e) {
            return true;
        }
    }

    @Test
    void aPatchThroughOneNodeChangesBothAndTheOtherOutlivesIt() throws Exception {
        String schema = "pier_test_" + UUID.randomUUID().toString().replace("-", "");
        String server = "jdbc:postgresql://127.0.0.1:5432/test";
        try (Connection c = DriverManager.getConnection(server, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        String storeUrl = server + "?user=postgres&currentSchema=" + schema;
        Process a = null;
        Process b = null;
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            int portA = freePort();
            int portB = freePort();
            int adminA = freePort();
            Path zones = Files.writeString(dir.resolve("zones.yaml"), """
                    listeners: [ { address: 127.0.0.1:1 } ]
                    zones:
                      - name: 127.0.0.1
                        dns_records: [ { type: A, name: 127.0.0.1, content: 127.0.0.1 } ]
                        rulesets:
                          - phase: http_request_origin
                            rules: [ { expression: "true", action: route, action_parameters: { origin: { port: %d } } } ]
                    """.formatted(origin.port()));
            String token;
            String zoneId;
            try (Store store = JdbcStore.postgres(storeUrl, null, null)) {
                StoredZones.importYaml(zones, store, "test");
                zoneId = store.zones("127.0.0.1", 1, 1).items().get(0).id();
                token = new dev.pier.control.api.ControlApi(store).credentials()
                        .issueToken("test", EnumSet.allOf(Permission.class), Set.of(), "test");
            }
            Path configA = Files.writeString(dir.resolve("a.yaml"),
                    "listeners: [ { address: 127.0.0.1:%d } ]\nadmin: { address: 127.0.0.1:%d }\nrequest_log: a.ndjson\nzones: []\n"
                            .formatted(portA, adminA));
            Path configB = Files.writeString(dir.resolve("b.yaml"),
                    "listeners: [ { address: 127.0.0.1:%d } ]\nrequest_log: b.ndjson\nzones: []\n".formatted(portB));
            a = serve(configA, storeUrl, "a");
            b = serve(configB, storeUrl, "b");
            awaitListening(portA);
            awaitListening(portB);
            awaitListening(adminA);
            assertThat(upgradeRefused(portA)).isFalse();
            assertThat(upgradeRefused(portB)).isFalse();

            long patched = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + adminA + "/client/v4/zones/" + zoneId + "/settings/websockets"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"value\":\"off\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(new ObjectMapper().readTree(response.body()).path("result").path("value").asText()).isEqualTo("off");
            int pa = portA;
            int pb = portB;
            awaitWithinASecond(patched, () -> upgradeRefused(pa));
            awaitWithinASecond(patched, () -> upgradeRefused(pb));

            // the node serving the API dies; the other keeps its configuration and keeps following the store
            a.destroyForcibly().waitFor();
            assertThat(upgradeRefused(portB)).isTrue();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portB + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            long direct = System.nanoTime();
            try (Store store = JdbcStore.postgres(storeUrl, null, null)) {
                store.putSettings(zoneId, java.util.Map.of("websockets", "\"on\""), "test");
            }
            awaitWithinASecond(direct, () -> !upgradeRefused(pb));
        } finally {
            if (a != null) {
                a.destroyForcibly().waitFor();
            }
            if (b != null) {
                b.destroyForcibly().waitFor();
            }
            try (Connection c = DriverManager.getConnection(server, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
