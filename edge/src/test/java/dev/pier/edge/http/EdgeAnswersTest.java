package dev.pier.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The client pipeline on an {@link EmbeddedChannel}: every answer the edge gives by itself,
 * before any origin is involved, with the exact bytes a client would read.
 */
class EdgeAnswersTest extends EmbeddedClientPipeline {

    @Test
    void websocketsOffIs403AndTheConnectionStaysUsable() {
        channel("websockets: off");
        String response = exchange(upgrade("example.com"));
        assertThat(response).startsWith("HTTP/1.1 403 Forbidden\r\n").contains("WebSockets are disabled for this zone.")
                .doesNotContainIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isTrue();
        assertThat(logs).singleElement().satisfies(log -> {
            assertThat(log.edgeResponseStatus()).isEqualTo(403);
            assertThat(log.zoneName()).isEqualTo("example.com");
            assertThat(log.edgeResponseBytes()).isEqualTo(response.length());
            assertThat(log.clientRequestBytes()).isEqualTo(upgrade("example.com").length());
        });
        assertThat(usage.zone("example.com").requests()).isEqualTo(1);
        assertThat(exchange(upgrade("example.com"))).startsWith("HTTP/1.1 403"); // same connection, next request
    }

    @Test
    void wildcardRecordsRouteSubdomains() {
        channel("websockets: off");
        assertThat(exchange(upgrade("chat.example.com:8443"))).startsWith("HTTP/1.1 403");
        assertThat(logs.get(0).zoneName()).isEqualTo("example.com");
    }

    @Test
    void unknownHostIs404() {
        channel("");
        assertThat(exchange(upgrade("other.test"))).startsWith("HTTP/1.1 404").contains("Host: other.test");
    }

    @Test
    void badHandshakeIs426WithTheVersionHeader() {
        channel("");
        String response = exchange(upgrade("example.com").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 7"));
        assertThat(response).startsWith("HTTP/1.1 426 Upgrade Required\r\n").contains("sec-websocket-version: 13\r\n");
    }

    @Test
    void connectionLimitIs429WithRetryAfter() {
        channel("max_websocket_connections: 1");
        usage.zone("example.com").tryOpenWebSocket(1); // the one allowed connection is open
        String response = exchange(upgrade("example.com"));
        assertThat(response).startsWith("HTTP/1.1 429").contains("retry-after: 10\r\n");
        assertThat(usage.zone("example.com").openWebSockets()).isEqualTo(1);
    }

    @Test
    void malformedRequestIs400AndClosesTheConnection() {
        channel("");
        assertThat(exchange("THIS IS NOT HTTP\r\n\r\n")).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void rejectedRequestWithABodyClosesInsteadOfReadingIt() {
        channel("");
        String response = exchange("POST /upload HTTP/1.1\r\nHost: other.test\r\nContent-Length: 100000\r\n\r\npartial");
        assertThat(response).startsWith("HTTP/1.1 404").containsIgnoringCase("connection: close");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }
}
