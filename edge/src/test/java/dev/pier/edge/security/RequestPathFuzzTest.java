package dev.pier.edge.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.UsageRegistry;
import dev.pier.config.ConfigLoader;
import dev.pier.edge.http.ClientChannelInitializer;
import dev.pier.edge.support.ClientConnection;
import dev.pier.edge.http.EdgeContext;
import dev.pier.edge.transport.Transport;
import dev.pier.waf.WafRuntime;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Arbitrary bytes from a client, into the edge's client pipeline on an {@link EmbeddedChannel},
 * with {@link InMemoryUpstream} origins that parse strictly what the edge sends them: whatever
 * the bytes, the origins parse exactly the requests the WAF evaluated and let through, with the
 * same method, path and host, in order, and nothing else ({@link RequestPathInvariant}).
 *
 * <p>The first byte of an input chooses how the rest arrives: with its lowest bit set, a line at
 * a time (the origins answer between lines, so a response can come while a request is still
 * arriving); otherwise all at once (pipelined). In a normal test run this replays the inputs in
 * {@code RequestPathFuzzTestInputs}; with {@code JAZZER_FUZZ=1} (or {@code -Pfuzz}) it fuzzes
 * for ten minutes (see docs/SECURITY.md).
 */
class RequestPathFuzzTest {

    /** Compiled once: building the zone's WAF per input would make fuzzing a hundred times slower. */
    private static final List<RequestLog> LOGS = new ArrayList<>();
    private static final EdgeContext EDGE = edge();

    private static EdgeContext edge() {
        var config = ConfigLoader.parse(RequestPathInvariant.edgeYaml(8), Path.of("."));
        WafRuntime waf = WafRuntime.local();
        return new EdgeContext(EdgeContext.Snapshot.of(config, waf), LOGS::add, new UsageRegistry(), Transport.NIO, waf);
    }

    @FuzzTest(maxDuration = "10m")
    // libFuzzer's dictionary syntax: \xHH for bytes such as CR and LF.
    @DictionaryEntries({"\\x0d\\x0a", "\\x0d\\x0a\\x0d\\x0a", "HTTP/1.1", "HTTP/1.0", "Host: node.t.test", "Host:", "Content-Length:",
            "Transfer-Encoding: chunked", "Transfer-Encoding:", "Connection:", "Upgrade: websocket",
            "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
            "GET /admin", "POST /", "GET /ws", "/ws-h2c", "/ws-refused", "/ws-no-accept", "/ws-bad-accept", "/close",
            "0\\x0d\\x0a\\x0d\\x0a", "Expect: 100-continue", "keep-alive", "close", "http://", "chunked", "Content-Length"})
    void originsParseOnlyWhatTheWafEvaluated(byte[] input) {
        if (input.length == 0) {
            return;
        }
        LOGS.clear();
        InMemoryUpstream upstream = new InMemoryUpstream();
        EDGE.originChannels(upstream);
        EmbeddedChannel client = new ClientConnection(new ClientChannelInitializer(EDGE, false));
        try {
            byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
            for (byte[] piece : (input[0] & 1) == 1 ? lines(bytes) : List.of(bytes)) {
                if (!client.isOpen()) {
                    break;
                }
                client.writeInbound(Unpooled.wrappedBuffer(piece));
                settle(client, upstream);
            }
            client.close();
            settle(client, upstream);
            // Then the origins close: a tunnel logs once both of its sides are closed.
            upstream.disconnect();
            settle(client, upstream);
            String violation = RequestPathInvariant.violation(LOGS, upstream.parsed());
            assertThat(violation).as("input %s", printable(bytes)).isNull();
        } finally {
            client.finishAndReleaseAll();
            upstream.closeAll();
        }
    }

    /** Runs the edge and the origins until neither has anything more to say. */
    private static void settle(EmbeddedChannel client, InMemoryUpstream upstream) {
        do {
            client.runPendingTasks();
            for (Object out; (out = client.readOutbound()) != null; ) {
                ReferenceCountUtil.release(out);
            }
        } while (upstream.deliver());
    }

    private static List<byte[]> lines(byte[] bytes) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                out.add(Arrays.copyOfRange(bytes, start, i + 1));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            out.add(Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return out;
    }

    private static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\\' -> out.append("\\\\");
                default -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        return out.toString();
    }
}
