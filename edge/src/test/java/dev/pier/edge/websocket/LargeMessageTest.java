package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.AllocatorWatch;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.RawWebSocket;
import dev.pier.edge.support.TestEdge;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 100 MiB message passes both ways while the edge's buffer memory (everything its Netty
 * allocator holds: receive buffers and queued writes) stays bounded. Jetty and the test's
 * socket client do not use Netty, so what the allocator gains during the transfer is the
 * edge's. What it held before (it is the whole JVM's: earlier test classes' edges leave pooled
 * memory behind) is taken as a baseline and not counted.
 */
class LargeMessageTest {

    static final long HUNDRED_MIB = 100L << 20;
    /** Far below the message size: a buffering edge would need 100 MiB more or so. */
    static final long BOUND = 16L << 20;

    static JettyOrigin origin;
    static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        origin = new JettyOrigin();
        edge = TestEdge.toOrigin(origin.port());
    }

    @AfterAll
    static void stop() throws Exception {
        edge.close();
        origin.close();
    }

    @Test
    void hundredMebibytesClientToOriginWithBoundedEdgeMemory() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(edge.port()); AllocatorWatch watch = new AllocatorWatch()) {
            assertThat(client.handshake("/sink")).startsWith("HTTP/1.1 101");
            OutputStream out = client.socket.getOutputStream();
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            byte[] header = new byte[14];
            header[0] = (byte) 0x82;
            header[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                header[2 + i] = (byte) (HUNDRED_MIB >>> (8 * (7 - i)));
            }
            System.arraycopy(mask, 0, header, 10, 4);
            out.write(header);
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < HUNDRED_MIB; sent += chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) (i ^ mask[(int) ((sent + i) & 3)]);
                }
                out.write(chunk);
            }
            out.flush();
            assertThat(client.readFrame().text()).isEqualTo("received " + HUNDRED_MIB);
            assertThat(watch.peakGrowth()).as("edge buffer memory growth at its peak (bytes)").isLessThan(BOUND);
        }
    }

    @Test
    void hundredMebibytesOriginToSlowClientWithBoundedEdgeMemory() throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(edge.port()); AllocatorWatch watch = new AllocatorWatch()) {
            assertThat(client.handshake("/source")).startsWith("HTTP/1.1 101");
            client.write(RawWebSocket.text("stream " + HUNDRED_MIB));
            InputStream in = client.socket.getInputStream();
            long payload = 0;
            boolean fin = false;
            byte[] buf = new byte[64 * 1024];
            while (!fin) {
                RawWebSocket.Frame frameHead = null;
                int b0 = in.read();
                int b1 = in.read();
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = (in.read() << 8) | in.read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | in.read();
                    }
                }
                fin = (b0 & 0x80) != 0;
                for (long left = length; left > 0; ) {
                    int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (r < 0) {
                        throw new IOException("closed");
                    }
                    left -= r;
                    payload += r;
                    if ((payload & ((4 << 20) - 1)) < r) {
                        Thread.sleep(2); // a slower reader than the origin: the edge must hold back, not buffer
                    }
                }
            }
            assertThat(payload).isEqualTo(HUNDRED_MIB);
            assertThat(watch.peakGrowth()).as("edge buffer memory growth at its peak (bytes)").isLessThan(BOUND);
        }
    }
}
