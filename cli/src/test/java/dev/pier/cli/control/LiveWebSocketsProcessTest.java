package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.cli.PierProcesses;
import dev.pier.cli.demo.EchoOrigin;
import dev.pier.control.StoredZones;
import dev.pier.control.api.ControlApi;
import dev.pier.control.api.Permission;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier serve --store} with analytics off: {@code webSocketConnectionsLive} answers from
 * the node's edge, showing the WebSockets open now with what they carried so far, and not the
 * ones that closed.
 */
class LiveWebSocketsProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = """
            query ($zoneTag: string) { viewer { zones(filter: {zoneTag: $zoneTag}) {
              webSocketConnectionsLive { count sum { clientMessages } connections { clientRequestPath clientMessages originMessages node } }
            } } }""";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theNodesApiShowsItsOpenWebSocketsWithAnalyticsOff() throws Exception {
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            Path zones = Files.writeString(dir.resolve("zones.yaml"),
                    "listeners: [ { address: 127.0.0.1:1 } ]\n" + TestControlPlane.zoneInFrontOf(origin.port()));
            String zoneId;
            String token;
            try (Store store = JdbcStore.embedded(dir.resolve("store"))) {
                StoredZones.importYaml(zones, store, "test");
                zoneId = store.zones("127.0.0.1", 1, 1).items().get(0).id();
                token = new ControlApi(store).credentials().issueToken("analytics", EnumSet.of(Permission.ANALYTICS_READ), Set.of(), "test");
            }
            Path config = Files.writeString(dir.resolve("pier.yaml"), "listeners: [ { address: 127.0.0.1:0 } ]\n"
                    + "admin: { address: 127.0.0.1:0 }\nrequest_log: \"-\"\nzones: []\n");
            Process pier = PierProcesses.start(dir, "pier", "serve", "--config", config.toString(), "--store", "embedded:" + dir.resolve("store"));
            try {
                int port = PierProcesses.loggedPort(dir, "pier", "Listening on");
                int admin = PierProcesses.loggedPort(dir, "pier", "Admin listener on");
                BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
                WebSocket kept = connect(port, "/kept", echoes);
                WebSocket closed = connect(port, "/closed", echoes);
                for (int i = 0; i < 3; i++) {
                    kept.sendText("m" + i, true).join();
                    assertThat(echoes.poll(5, TimeUnit.SECONDS)).isEqualTo("m" + i);
                }
                closed.sendClose(1000, "").join();
                JsonNode live = null;
                for (int i = 0; i < 100; i++) { // the closed one goes once its close handshake is through
                    live = ask(admin, token, zoneId);
                    if (live.path("count").asLong() == 1) {
                        break;
                    }
                    Thread.sleep(50);
                }
                assertThat(live.path("count").asLong()).as(live.toString()).isEqualTo(1);
                assertThat(live.path("sum").path("clientMessages").asLong()).isEqualTo(3);
                JsonNode connection = live.path("connections").get(0);
                assertThat(connection.path("clientRequestPath").asText()).isEqualTo("/kept");
                assertThat(connection.path("originMessages").asLong()).isEqualTo(3);
                assertThat(connection.path("node").asText()).endsWith("-" + pier.pid());
                kept.sendClose(1000, "").join();
            } finally {
                pier.destroy();
                pier.waitFor();
            }
        }
    }

    private WebSocket connect(int port, String path, BlockingQueue<String> echoes) {
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                echoes.add(data.toString());
                ws.request(1);
                return null;
            }
        }).join();
    }

    private JsonNode ask(int admin, String token, String zoneId) throws Exception {
        String body = JSON.writeValueAsString(Map.of("query", QUERY, "variables", Map.of("zoneTag", zoneId)));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/client/v4/graphql"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
        return answer.path("data").path("viewer").path("zones").get(0).path("webSocketConnectionsLive");
    }
}
