package dev.pier.cli.control;

import static dev.pier.cli.control.TestControlPlane.awaitWithin;
import static dev.pier.cli.control.TestControlPlane.awaitWithinASecond;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.cli.PierProcesses;
import dev.pier.cli.demo.EchoOrigin;
import dev.pier.control.StoredZones;
import dev.pier.control.api.ControlApi;
import dev.pier.control.api.Permission;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two edge processes against one PostgreSQL (the development machine's, 127.0.0.1:5432,
 * database {@code test}): a PATCH through one node's API changes both within a second; kill
 * that node and the other keeps serving, and keeps following the store. Then the database goes
 * away from the survivor (it reaches PostgreSQL through a relay the test cuts): it keeps serving
 * its last configuration and its open WebSocket, and catches up with what changed meanwhile as
 * soon as the database is back.
 */
class TwoEdgesOnePostgresTest {

    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    Process serve(Path config, String store, String name) throws IOException {
        return PierProcesses.start(dir, name, "serve", "--config", config.toString(), "--store", store);
    }

    boolean upgradeRefused(int port) {
        try {
            http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
            }).join().abort();
            return false;
        } catch (CompletionException e) {
            return true;
        }
    }

    HttpResponse<String> patchWebsockets(int adminPort, String zoneId, String token, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + adminPort + "/client/v4/zones/" + zoneId + "/settings/websockets"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"value\":\"" + value + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    WebSocket connect(int port, BlockingQueue<String> echoes) {
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                echoes.add(data.toString());
                ws.request(1);
                return null;
            }
        }).join();
    }

    /** Waits for a line of the process's log; the store's connection timeout is 5 s, so this allows 15. */
    static void awaitLogLine(Path log, String text) throws Exception {
        awaitWithin(Duration.ofSeconds(15), System.nanoTime(), () -> {
            try {
                return Files.readString(log).contains(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
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
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0); CuttableRelay database = new CuttableRelay(5432)) {
            String storeUrlThroughRelay = storeUrl.replace(":5432/", ":" + database.port() + "/");
            Path zones = Files.writeString(dir.resolve("zones.yaml"),
                    "listeners: [ { address: 127.0.0.1:1 } ]\n" + TestControlPlane.zoneInFrontOf(origin.port()));
            String token;
            String zoneId;
            try (Store store = JdbcStore.postgres(storeUrl, null, null, dev.pier.control.store.StoreKeys.none())) {
                StoredZones.importYaml(zones, store, "test");
                zoneId = store.zones("127.0.0.1", 1, 1).items().get(0).id();
                token = new ControlApi(store).credentials()
                        .issueToken("test", EnumSet.allOf(Permission.class), Set.of(), "test");
            }
            Path configA = Files.writeString(dir.resolve("a.yaml"),
                    "listeners: [ { address: 127.0.0.1:0 } ]\nadmin: { address: 127.0.0.1:0 }\nrequest_log: a.ndjson\nzones: []\n");
            Path configB = Files.writeString(dir.resolve("b.yaml"),
                    "listeners: [ { address: 127.0.0.1:0 } ]\nadmin: { address: 127.0.0.1:0 }\nrequest_log: b.ndjson\nzones: []\n");
            a = serve(configA, storeUrl, "a");
            b = serve(configB, storeUrlThroughRelay, "b");
            int portA = PierProcesses.loggedPort(dir, "a", "Listening on");
            int portB = PierProcesses.loggedPort(dir, "b", "Listening on");
            int adminA = PierProcesses.loggedPort(dir, "a", "Admin listener on");
            int adminB = PierProcesses.loggedPort(dir, "b", "Admin listener on");
            assertThat(upgradeRefused(portA)).isFalse();
            assertThat(upgradeRefused(portB)).isFalse();

            HttpResponse<String> response = patchWebsockets(adminA, zoneId, token, "off");
            assertThat(new ObjectMapper().readTree(response.body()).path("result").path("value").asText()).isEqualTo("off");
            int pa = portA;
            int pb = portB;
            long patched = System.nanoTime();
            awaitWithinASecond(patched, () -> upgradeRefused(pa));
            awaitWithinASecond(patched, () -> upgradeRefused(pb));

            // the node serving the API dies; the other keeps its configuration and keeps following the store
            a.destroyForcibly().waitFor();
            assertThat(upgradeRefused(portB)).isTrue();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portB + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            try (Store store = JdbcStore.postgres(storeUrl, null, null, dev.pier.control.store.StoreKeys.none())) {
                store.putSettings(zoneId, Map.of("websockets", "\"on\""), "test");
            }
            long direct = System.nanoTime();
            awaitWithinASecond(direct, () -> !upgradeRefused(pb));

            // the database goes away from B, and a change is made that B cannot see
            BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
            WebSocket open = connect(portB, echoes);
            database.cut();
            awaitLogLine(dir.resolve("b.err"), "store: cannot be reached");
            try (Store store = JdbcStore.postgres(storeUrl, null, null, dev.pier.control.store.StoreKeys.none())) {
                store.putSettings(zoneId, Map.of("websockets", "\"off\""), "test");
            }
            // B serves its last configuration: new upgrades, plain requests and the open WebSocket
            assertThat(upgradeRefused(portB)).isFalse();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portB + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            open.sendText("while the database is away", true).join();
            assertThat(echoes.poll(5, TimeUnit.SECONDS)).isEqualTo("while the database is away");
            // and its API says it cannot write (turning websockets back on: seen below not to have happened)
            HttpResponse<String> refused = patchWebsockets(adminB, zoneId, token, "on");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(refused.body()).path("errors").path(0).path("code").asInt()).isEqualTo(1000);

            // the database is back: B resyncs to the change it missed, and the open WebSocket stays
            database.restore();
            awaitLogLine(dir.resolve("b.err"), "store: reachable again");
            awaitWithin(Duration.ofSeconds(5), System.nanoTime(), () -> upgradeRefused(pb));
            open.sendText("after", true).join();
            assertThat(echoes.poll(5, TimeUnit.SECONDS)).isEqualTo("after");
            open.sendClose(1000, "").join();
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
