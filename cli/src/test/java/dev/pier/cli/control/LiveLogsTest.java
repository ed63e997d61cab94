package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live logs through a real edge and its admin listener: a session made through the API streams
 * the records of requests made through the edge to a WebSocket at the address the API answered,
 * with the session's fields, filter and sampling; a new session of the zone replaces the old.
 */
class LiveLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TestControlPlane node;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        node = new TestControlPlane(dir);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void streamsTheZonesRecordsThatPassTheFilterWithTheChosenFields() throws Exception {
        JsonNode job = create("""
                {"fields":"ClientRequestPath,EdgeResponseStatus,ClientRequestMethod","sample":1,"kind":"instant-logs",
                 "filter":"{\\"where\\":{\\"and\\":[{\\"key\\":\\"ClientRequestPath\\",\\"operator\\":\\"startsWith\\",\\"value\\":\\"/api\\"}]}}"}
                """).get("result");
        String id = job.get("session_id").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(job.get("destination_conf").asText()).isEqualTo("ws://127.0.0.1:" + node.adminPort() + "/instant-logs/ws/sessions/" + id);
        assertThat(job.get("kind").asText()).isEqualTo("instant-logs");
        JsonNode listed = api("GET", "/zones/" + node.zoneId + "/logpush/edge/jobs", null).get("result");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("session_id").asText()).isEqualTo(id);

        Lines lines = listen(job.get("destination_conf").asText());
        node.get("/api/one");
        node.get("/elsewhere");
        node.get("/api/two?x=1");

        List<JsonNode> records = List.of(lines.next(), lines.next());
        assertThat(records).extracting(r -> r.get("ClientRequestPath").asText()).containsExactly("/api/one", "/api/two");
        for (JsonNode r : records) {
            assertThat(r.properties()).extracting(e -> e.getKey())
                    .containsExactly("ClientRequestPath", "EdgeResponseStatus", "ClientRequestMethod");
            assertThat(r.get("ClientRequestMethod").asText()).isEqualTo("GET");
        }
        node.get("/api/three");
        assertThat(lines.next().get("ClientRequestPath").asText()).isEqualTo("/api/three"); // /elsewhere never came
    }

    @Test
    void sampleTenSendsAboutOneRecordInTen() throws Exception {
        JsonNode job = create("{\"fields\":\"RayID\",\"sample\":10}").get("result");
        Lines lines = listen(job.get("destination_conf").asText());
        for (int i = 0; i < 200; i++) {
            node.get("/s" + i);
        }
        node.get("/s-last");
        Thread.sleep(1000); // the last round of dispatch
        int got = lines.drained();
        // binomial(200, 0.1): mean 20, standard deviation 4.2; outside 3..60 is beyond 4 deviations
        assertThat(got).isBetween(3, 60);
    }

    @Test
    void aNewSessionOfTheZoneReplacesTheOldOne() throws Exception {
        JsonNode first = create("{}").get("result");
        Lines old = listen(first.get("destination_conf").asText());
        JsonNode second = create("{\"fields\":\"ClientRequestPath\"}").get("result");
        assertThat(old.closed.get(5, TimeUnit.SECONDS)).startsWith("1000 a new live log session");
        assertThatThrownBy(() -> listen(first.get("destination_conf").asText()))
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        Lines now = listen(second.get("destination_conf").asText());
        node.get("/after");
        assertThat(now.next().get("ClientRequestPath").asText()).isEqualTo("/after");
    }

    @Test
    void anUnknownSessionIsNotFound() throws Exception {
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.adminPort() + "/instant-logs/ws/sessions/00000000000000000000000000000000")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> listen("ws://127.0.0.1:" + node.adminPort() + "/instant-logs/ws/sessions/0123"))
                .hasCauseInstanceOf(WebSocketHandshakeException.class);
    }

    @Test
    void aBadFilterOrFieldIsRefusedWithWhatWasExpected() throws Exception {
        JsonNode filter = api("POST", "/zones/" + node.zoneId + "/logpush/edge/jobs", "{\"filter\":\"{\\\"where\\\":{\\\"key\\\":\\\"Nope\\\","
                + "\\\"operator\\\":\\\"eq\\\",\\\"value\\\":1}}\"}");
        assertThat(filter.get("success").asBoolean()).isFalse();
        assertThat(filter.at("/errors/0/code").asInt()).isEqualTo(1004);
        assertThat(filter.at("/errors/0/message").asText()).contains("filter").contains("Nope").contains("expected");
        JsonNode fields = api("POST", "/zones/" + node.zoneId + "/logpush/edge/jobs", "{\"fields\":\"RayID,Bogus\"}");
        assertThat(fields.at("/errors/0/message").asText()).contains("fields").contains("Bogus");
        JsonNode sample = api("POST", "/zones/" + node.zoneId + "/logpush/edge/jobs", "{\"sample\":0}");
        assertThat(sample.at("/errors/0/message").asText()).contains("sample: 0 (expected");
        assertThat(api("GET", "/zones/" + node.zoneId + "/logpush/edge/jobs", null).get("result")).isEmpty();
    }

    private JsonNode create(String body) throws Exception {
        JsonNode answer = api("POST", "/zones/" + node.zoneId + "/logpush/edge/jobs", body);
        assertThat(answer.get("success").asBoolean()).as(answer.toString()).isTrue();
        return answer;
    }

    private JsonNode api(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/client/v4" + path))
                .header("Authorization", "Bearer " + node.token).header("Content-Type", "application/json");
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return JSON.readTree(http.send(r.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private Lines listen(String address) {
        Lines lines = new Lines();
        http.newWebSocketBuilder().buildAsync(URI.create(address), lines).join();
        return lines;
    }

    /** A listener that keeps every NDJSON line it receives, and how the socket closed. */
    static final class Lines implements WebSocket.Listener {
        final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                for (String line : partial.toString().split("\n")) {
                    if (!line.isBlank()) {
                        try {
                            lines.add(JSON.readTree(line));
                        } catch (Exception e) {
                            throw new IllegalStateException("not JSON: " + line, e);
                        }
                    }
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("a record within 10 s").isNotNull();
            return line;
        }

        int drained() {
            List<JsonNode> all = new ArrayList<>();
            lines.drainTo(all);
            return all.size();
        }
    }

}
