package dev.pier.edge.http;

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

/**
 * The client pipeline on an {@link EmbeddedChannel} with one zone, {@code example.com}, whose
 * origin is port 9 (nothing listens there): what a test reads is what the edge answered by
 * itself, in the exact bytes a client would read.
 */
abstract class EmbeddedClientPipeline {

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

}
