package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.RawWebSocket;
import dev.pier.edge.support.RawWebSocket.Frame;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One request counted per upgrade, exact bytes to the client, and the log and metrics that show it. */
class UsageAccountingTest extends EdgeWithJettyOrigin {
    @Test
    void edgeResponseBytesEqualWhatTheClientRead() throws Exception {
        RawWebSocket client = RawWebSocket.connect(edge.port());
        String head = client.handshake("/echo", "User-Agent: byte-counter/1.0");
        assertThat(head).startsWith("HTTP/1.1 101");
        String rayId = head.replaceAll("(?s).*\r\npier-ray: ([0-9a-f]+)\r\n.*", "$1");
        for (int i = 0; i < 50; i++) {
            client.write(RawWebSocket.text("message " + i + " " + "x".repeat(i * 7)));
            assertThat(client.readFrame().text()).startsWith("message " + i);
        }
        client.write(RawWebSocket.frame(true, 0x2, new byte[70_000])); // 64-bit length on the way back
        assertThat(client.readMessage()).hasSize(70_000); // Jetty may fragment it
        client.write(RawWebSocket.close(1000, "counted"));
        Frame close = client.readFrame();
        assertThat(close.opcode()).isEqualTo(0x8);
        assertThat(close.closeCode()).isEqualTo(1000);
        client.readToEnd();
        client.close();

        RequestLog log = edge.nextLog();
        assertThat(log.rayId()).isEqualTo(rayId);
        assertThat(log.edgeResponseBytes()).isEqualTo(client.bytesRead);
        assertThat(log.clientRequestBytes()).isEqualTo(client.bytesWritten);
        assertThat(log.edgeResponseStatus()).isEqualTo(101);
        assertThat(log.originResponseStatus()).isEqualTo(101);
        assertThat(log.webSocketClientMessages()).isEqualTo(51);
        assertThat(log.webSocketOriginMessages()).isEqualTo(51);
        assertThat(log.webSocketCloseCode()).isEqualTo(1000);
        assertThat(log.clientRequestUserAgent()).isEqualTo("byte-counter/1.0");
        assertThat(log.originResponseBytes()).isGreaterThan(70_000);
        assertThat(edge.edge.usage().zone("localhost").edgeResponseBytes()).isEqualTo(client.bytesRead);
    }

    @Test
    void oneRecordPerConnectionWithCloudflareFieldNames() throws Exception {
        int connections = 5;
        for (int i = 0; i < connections; i++) {
            WsClient client = WsClient.connect(edge.ws("/echo?n=" + i));
            client.socket.sendText("one", true).join();
            client.socket.sendText("two", true).join();
            assertThat(client.next()).isEqualTo("text:one");
            assertThat(client.next()).isEqualTo("text:two");
            client.socket.sendClose(1000, "").join();
            assertThat(client.next()).startsWith("close:1000");
        }
        Set<String> rays = new HashSet<>();
        for (int i = 0; i < connections; i++) {
            RequestLog log = edge.nextLog();
            assertThat(log.webSocket()).isTrue();
            assertThat(log.webSocketClientMessages()).isEqualTo(2);
            rays.add(log.rayId());
        }
        assertThat(rays).hasSize(connections);
        assertThat(edge.drainLogs(java.time.Duration.ofMillis(300))).isEmpty(); // exactly one each

        edge.close(); // flushes the NDJSON file
        List<String> lines = Files.readAllLines(edge.requestLogFile());
        assertThat(lines).hasSize(connections);
        // Records are written as connections finish, which need not be the order they were opened in.
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> records = new ArrayList<>();
        for (String line : lines) {
            records.add(json.readTree(line));
        }
        assertThat(records).extracting(r -> r.path("ClientRequestURI").asText())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, connections).mapToObj(i -> "/echo?n=" + i).toList());
        JsonNode record = records.stream().filter(r -> r.path("ClientRequestURI").asText().equals("/echo?n=0")).findFirst().orElseThrow();
        assertThat(record.fieldNames()).toIterable().contains("ClientIP", "ClientSrcPort", "ClientRequestHost",
                "ClientRequestMethod", "ClientRequestURI", "ClientRequestUserAgent", "ClientRequestBytes",
                "EdgeStartTimestamp", "EdgeEndTimestamp", "EdgeResponseStatus", "EdgeResponseBytes",
                "OriginResponseStatus", "RayID", "ZoneName", "WebSocketClientMessages", "WebSocketOriginMessages",
                "WebSocketCloseCode", "WebSocketClosedBy", "OriginResponseBytes");
        assertThat(record.get("ClientRequestURI").asText()).isEqualTo("/echo?n=0");
        assertThat(record.get("ZoneName").asText()).isEqualTo("localhost");
        assertThat(record.get("ClientRequestMethod").asText()).isEqualTo("GET");
        assertThat(record.get("EdgeResponseStatus").asInt()).isEqualTo(101);
        assertThat(record.get("WebSocketClosedBy").asText()).isEqualTo("client");
    }

    @Test
    void metricsShowRequestsUpgradesBandwidthAndOpenConnectionsPerZone() throws Exception {
        WsClient open = WsClient.connect(edge.ws("/echo"));
        open.socket.sendText("x", true).join();
        assertThat(open.next()).isEqualTo("text:x");
        WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http("/hello"))).build(),
                HttpResponse.BodyHandlers.ofString());
        edge.nextLog();

        int admin = edge.edge.adminAddress().getPort();
        String metrics = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
                .contains("pier_requests_total{zone=\"localhost\"} 2.0")
                .contains("pier_websocket_upgrades_total{zone=\"localhost\"} 1.0")
                .contains("pier_websocket_connections_open{zone=\"localhost\"} 1.0")
                .containsPattern("pier_edge_response_bytes_total\\{zone=\"localhost\"} [1-9][0-9]*\\.0")
                .contains("pier_request_log_dropped_records_total 0.0")
                .contains("pier_request_log_write_failures_total 0.0");
        open.socket.sendClose(1000, "").join();
        assertThat(open.next()).startsWith("close:1000");
        edge.nextLog();
        assertThat(edge.edge.usage().zone("localhost").openWebSockets()).isZero();
    }
}
