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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's "what must be shown", through a real {@code pier serve} with analytics on: plain
 * requests, WebSocket upgrades, an upgrade a WAF custom rule blocks, and WebSockets carrying many
 * messages each way, made by raw-socket clients that count every byte they read (the 101 head
 * and the frames included). Then GraphQL's counts and byte sums equal the NDJSON request log's
 * records and what the clients read; an upgrade is one request however many messages it carried;
 * the WebSocket node shows the connections with their messages and close codes.
 */
class UsageThroughTheEdgeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PLAIN = 3;
    private static final int SOCKETS = 2;
    private static final int MESSAGES = 25;
    private static final String QUERY = """
            query ($zoneTag: string, $start: Time) {
              viewer { zones(filter: {zoneTag: $zoneTag}) {
                requests: httpRequestsAdaptiveGroups(limit: 10, filter: {datetime_geq: $start}) { count sum { edgeResponseBytes } }
                kinds: httpRequestsAdaptiveGroups(limit: 10, filter: {datetime_geq: $start}, orderBy: [count_DESC]) {
                  count sum { edgeResponseBytes } dimensions { webSocketUpgrade securityAction }
                }
                webSocketConnectionsAdaptiveGroups(limit: 10, filter: {datetime_geq: $start}) {
                  count sum { clientMessages originMessages clientRequestBytes edgeResponseBytes } dimensions { connectionCloseCode }
                }
              } }
            }""";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void graphqlCountsAndBytesAreTheRecordsAndWhatTheClientsRead() throws Exception {
        Instant start = Instant.now().minusSeconds(60);
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            String[] zoneAndToken = storeWithZone(origin.port());
            Path config = Files.writeString(dir.resolve("pier.yaml"), "listeners: [ { address: 127.0.0.1:0 } ]\n"
                    + "admin: { address: 127.0.0.1:0 }\nrequest_log: requests.ndjson\nzones: []\nanalytics: {}\n");
            Process pier = PierProcesses.start(dir, "pier", "serve", "--config", config.toString(), "--store", "embedded:" + dir.resolve("store"));
            try {
                int port = PierProcesses.loggedPort(dir, "pier", "Listening on");
                int admin = PierProcesses.loggedPort(dir, "pier", "Admin listener on");
                long read = 0;
                for (int i = 0; i < PLAIN; i++) {
                    read += plain(port, "/hello");
                }
                for (int i = 0; i < SOCKETS; i++) {
                    read += webSocket(port, "/ws", MESSAGES);
                }
                read += blockedUpgrade(port);
                int records = PLAIN + SOCKETS + 1;

                List<JsonNode> log = records(records);
                long logBytes = log.stream().mapToLong(r -> r.path("EdgeResponseBytes").asLong()).sum();
                assertThat(logBytes).as("the records' bytes are what the clients read").isEqualTo(read);

                JsonNode zone = null;
                for (int i = 0; i < 300; i++) { // records reach the store in batches, off the request path
                    JsonNode answer = graphql(admin, zoneAndToken, start);
                    assertThat(answer.path("errors").isNull()).as(answer.toString()).isTrue();
                    zone = answer.path("data").path("viewer").path("zones").get(0);
                    if (zone.path("requests").size() == 1 && zone.path("requests").get(0).path("count").asLong() == records) {
                        break;
                    }
                    Thread.sleep(100);
                }
                JsonNode totals = zone.path("requests").get(0);
                assertThat(totals.path("count").asLong()).as(zone.toString()).isEqualTo(records);
                assertThat(totals.path("sum").path("edgeResponseBytes").asLong()).isEqualTo(read);

                Map<String, Long> counts = new java.util.HashMap<>();
                zone.path("kinds").forEach(g -> counts.put(g.path("dimensions").path("webSocketUpgrade").asBoolean() + "/"
                        + g.path("dimensions").path("securityAction").asText(), g.path("count").asLong()));
                assertThat(counts).as("one upgrade is one request, however many messages it carried")
                        .isEqualTo(Map.of("false/", (long) PLAIN, "true/", (long) SOCKETS, "false/block", 1L));

                JsonNode sockets = zone.path("webSocketConnectionsAdaptiveGroups");
                assertThat(sockets).hasSize(1);
                JsonNode ws = sockets.get(0);
                List<JsonNode> wsRecords = log.stream().filter(r -> r.path("WebSocket").asBoolean()).toList();
                assertThat(ws.path("count").asLong()).isEqualTo(SOCKETS);
                assertThat(ws.path("dimensions").path("connectionCloseCode").asInt()).isEqualTo(1000);
                assertThat(ws.path("sum").path("clientMessages").asLong())
                        .isEqualTo(wsRecords.stream().mapToLong(r -> r.path("WebSocketClientMessages").asLong()).sum())
                        .isGreaterThanOrEqualTo((long) SOCKETS * MESSAGES);
                assertThat(ws.path("sum").path("originMessages").asLong())
                        .isEqualTo(wsRecords.stream().mapToLong(r -> r.path("WebSocketOriginMessages").asLong()).sum())
                        .isGreaterThanOrEqualTo((long) SOCKETS * MESSAGES);
                assertThat(ws.path("sum").path("edgeResponseBytes").asLong())
                        .isEqualTo(wsRecords.stream().mapToLong(r -> r.path("EdgeResponseBytes").asLong()).sum());
                assertThat(ws.path("sum").path("clientRequestBytes").asLong())
                        .isEqualTo(wsRecords.stream().mapToLong(r -> r.path("ClientRequestBytes").asLong()).sum());
            } finally {
                pier.destroy();
                pier.waitFor();
            }
        }
    }

    /** A GET on its own connection; the bytes read off the socket. */
    private static long plain(int port, String path) throws IOException {
        try (Socket s = socket(port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] all = s.getInputStream().readAllBytes();
            assertThat(new String(all, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            return all.length;
        }
    }

    /** An upgrade the WAF rule blocks; the bytes of the answer. */
    private static long blockedUpgrade(int port) throws IOException {
        try (Socket s = socket(port)) {
            s.getOutputStream().write(upgrade("/blocked"));
            Counting in = new Counting(s.getInputStream());
            String head = in.head();
            assertThat(head).startsWith("HTTP/1.1 403");
            int length = Integer.parseInt(head.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                    .findFirst().orElseThrow().substring(15).trim());
            in.exactly(length);
            return in.count;
        }
    }

    /** A WebSocket carrying {@code messages} each way, closed normally by the client; every byte read off the socket. */
    private static long webSocket(int port, String path, int messages) throws IOException {
        try (Socket s = socket(port)) {
            OutputStream out = s.getOutputStream();
            out.write(upgrade(path));
            Counting in = new Counting(s.getInputStream());
            assertThat(in.head()).startsWith("HTTP/1.1 101");
            for (int i = 0; i < messages; i++) {
                out.write(maskedFrame(0x1, ("message " + i).getBytes(StandardCharsets.UTF_8)));
                byte[] echo = in.frame(0x1);
                assertThat(new String(echo, StandardCharsets.UTF_8)).isEqualTo("message " + i);
            }
            out.write(maskedFrame(0x8, new byte[] {0x03, (byte) 0xE8})); // 1000
            byte[] close = in.frame(0x8);
            assertThat(((close[0] & 0xff) << 8) | (close[1] & 0xff)).isEqualTo(1000);
            in.toEnd();
            return in.count;
        }
    }

    private static Socket socket(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] upgrade(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        frame.write(0x80 | payload.length); // short payloads only
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** Reads a socket, counting every byte. */
    private static final class Counting {
        private final InputStream in;
        long count;

        Counting(InputStream in) {
            this.in = in;
        }

        int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the edge closed the connection early");
            }
            count++;
            return b;
        }

        String head() throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) read());
            }
            return head.toString();
        }

        byte[] exactly(int n) throws IOException {
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) read();
            }
            return bytes;
        }

        /** One unmasked frame from the server, of the opcode expected. */
        byte[] frame(int opcode) throws IOException {
            int first = read();
            assertThat(first & 0x0f).isEqualTo(opcode);
            int length = read() & 0x7f;
            if (length == 126) {
                length = (read() << 8) | read();
            }
            return exactly(length);
        }

        void toEnd() throws IOException {
            while (in.read() >= 0) {
                count++;
            }
        }
    }

    /** The request log's records, once {@code n} are written. */
    private List<JsonNode> records(int n) throws Exception {
        Path file = dir.resolve("requests.ndjson");
        for (int i = 0; i < 100; i++) {
            if (Files.exists(file)) {
                List<JsonNode> records = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        records.add(JSON.readTree(line));
                    }
                }
                if (records.size() >= n) {
                    assertThat(records).hasSize(n);
                    return records;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the request log did not get " + n + " records");
    }

    /** The zone's id and a token with Analytics Read, in an embedded store in {@code dir/store}; the zone blocks /blocked. */
    private String[] storeWithZone(int originPort) throws Exception {
        Path zones = Files.writeString(dir.resolve("zones.yaml"), "listeners: [ { address: 127.0.0.1:1 } ]\n"
                + TestControlPlane.zoneInFrontOf(originPort) + """
                      - phase: http_request_firewall_custom
                        rules:
                          - id: no-blocked
                            expression: 'starts_with(http.request.uri.path, "/blocked")'
                            action: block
                """);
        try (Store store = JdbcStore.embedded(dir.resolve("store"))) {
            StoredZones.importYaml(zones, store, "test");
            String zoneId = store.zones("127.0.0.1", 1, 1).items().get(0).id();
            String token = new ControlApi(store).credentials().issueToken("analytics", EnumSet.of(Permission.ANALYTICS_READ), Set.of(),
                    "test");
            return new String[] {zoneId, token};
        }
    }

    private JsonNode graphql(int admin, String[] zoneAndToken, Instant start) throws Exception {
        String body = JSON.writeValueAsString(Map.of("query", QUERY, "variables", Map.of("zoneTag", zoneAndToken[0], "start", start.toString())));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/client/v4/graphql"))
                .header("Authorization", "Bearer " + zoneAndToken[1]).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
