package dev.pier.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.UsageRegistry;
import dev.pier.config.ConfigLoader;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.transport.Transport;
import dev.pier.waf.WafRuntime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client pipeline on an {@link EmbeddedChannel}: every answer the edge gives by itself,
 * before any origin is involved, with the exact bytes a client would read.
 */
class ProxyHandlerTest {

    final List<RequestLog> logs = new ArrayList<>();
    final UsageRegistry usage = new UsageRegistry();
    EmbeddedChannel channel;

    EmbeddedChannel channel(String settings) {
        var config = ConfigLoader.parse(TestEdge.zoneYaml("example.com", 9, settings), Path.of("."));
        EdgeContext edge = new EdgeContext(EdgeContext.Snapshot.of(config, WafRuntime.local()), logs::add, usage, Transport.NIO, WafRuntime.local());
        channel = new EmbeddedChannel(new ClientChannelInitializer(edge, false));
        return channel;
    }

    @AfterEach
    void release() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    String exchange(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    static String upgrade(String host) {
        return "GET /chat HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    @Test
    void websocketsOffIs403AndTheConnectionStaysUsable() {
        channel("websockets: off");
        String response = exchange(upgrade("example.com"));
        assertThat(response).startsWith("HTTP/1.1 403 Forbidden\r\n").contains("WebSockets are disabled for this zone.")
                .doesNotContainIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isTrue();
        assertThat(logs).singleElement().satisfies(log -> {
            assertThat(log.edgeResponseStatus).isEqualTo(403);
            assertThat(log.zoneName).isEqualTo("example.com");
            assertThat(log.edgeResponseBytes).isEqualTo(response.length());
            assertThat(log.clientRequestBytes).isEqualTo(upgrade("example.com").length());
        });
        assertThat(usage.zone("example.com").requests()).isEqualTo(1);
        assertThat(exchange(upgrade("example.com"))).startsWith("HTTP/1.1 403"); // same connection, next request
    }

    @Test
    void wildcardRecordsRouteSubdomains() {
        channel("websockets: off");
        assertThat(exchange(upgrade("chat.example.com:8443"))).startsWith("HTTP/1.1 403");
        assertThat(logs.get(0).zoneName).isEqualTo("example.com");
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
