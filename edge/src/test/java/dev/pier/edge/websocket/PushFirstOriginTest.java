package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLog.ClosedBy;
import dev.pier.edge.support.AllocatorWatch;
import dev.pier.edge.support.RawWebSocket;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Origins that speak first: a frame right behind the 101 (in the same write, or a moment
 * later) and an origin that pushes as fast as it can from its first moment. The edge switches
 * its pipelines to the tunnel while such bytes arrive; every frame must come through and the
 * tunnel must live on.
 *
 * <p>The pushed volume is {@code -Dpier.test.pushBytes} (default 128 MiB; the 1 GiB run and its
 * result are in docs/BENCHMARKS.md).
 */
class PushFirstOriginTest {

    static final int CONNECTIONS = 1000;
    /** Connections open at once: the race needs many tries, not many at a time. */
    static final int CONCURRENCY = 50;
    static final long PUSH_BYTES = Long.getLong("pier.test.pushBytes", 128L << 20);
    /** Payload per pushed frame: a whole number of 8-byte words, with a 16-bit length. */
    static final int PUSH_FRAME = 65528;
    /** Far below the pushed volume: an edge that buffered what the reader does not take would pass it. */
    static final long MEMORY_BOUND = 16L << 20;

    /**
     * An origin that answers the handshake, sends "first N" {@code delayMillis} after the 101
     * (0: in the same write), then answers the client's message with "second N: ..." and closes
     * with 1000. The client checks both frames and the close; the log must say the origin closed.
     */
    @ParameterizedTest(name = "first frame {0} ms after the 101")
    @ValueSource(ints = {0, 1, 5})
    void everyConnectionCarriesEveryFrameOfAnOriginThatSpeaksFirst(int delayMillis) throws Exception {
        try (SilentOrigins.Scripted origin = new SilentOrigins.Scripted((in, out) -> speakFirst(in, out, delayMillis));
                TestEdge edge = TestEdge.toOrigin(origin.port())) {
            ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
            Semaphore slots = new Semaphore(CONCURRENCY);
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> runs = new ArrayList<>();
                for (int n = 0; n < CONNECTIONS; n++) {
                    int id = n;
                    slots.acquire();
                    runs.add(clients.submit(() -> {
                        try {
                            talkToSpeakFirst(edge.port(), id);
                        } catch (IOException | AssertionError e) {
                            failed.add(id + ": " + e);
                        } finally {
                            slots.release();
                        }
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            }
            assertThat(failed).as("connections that lost a frame or their close").isEmpty();

            List<RequestLog> logs = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (logs.size() < CONNECTIONS && System.nanoTime() < deadline) {
                logs.addAll(edge.drainLogs(Duration.ofMillis(50)));
            }
            assertThat(logs).hasSize(CONNECTIONS);
            assertThat(logs).allSatisfy(log -> {
                assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.origin);
                assertThat(log.webSocketCloseCode()).isEqualTo(1000);
                assertThat(log.webSocketOriginMessages()).isEqualTo(2);
                assertThat(log.webSocketClientMessages()).isEqualTo(1);
            });
        }
    }

    private static void speakFirst(InputStream in, OutputStream out, int delayMillis) {
        try {
            String head = SilentOrigins.readHead(in);
            String id = head.substring(head.indexOf("/race/") + 6, head.indexOf(" HTTP/1.1"));
            byte[] hello = SilentOrigins.switchingProtocols(head);
            byte[] first = serverFrame(0x1, ("first " + id).getBytes(StandardCharsets.UTF_8));
            if (delayMillis == 0) {
                out.write(concat(hello, first));
            } else {
                out.write(hello);
                out.flush();
                Thread.sleep(delayMillis);
                out.write(first);
            }
            out.flush();
            String answer = readMaskedText(new DataInputStream(in));
            out.write(serverFrame(0x1, ("second " + id + ": " + answer).getBytes(StandardCharsets.UTF_8)));
            out.write(serverFrame(0x8, new byte[] {0x03, (byte) 0xE8}));
            out.flush();
            in.readAllBytes(); // the client's close, then the edge closes its side
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void talkToSpeakFirst(int port, int id) throws IOException {
        try (RawWebSocket client = RawWebSocket.connect(port)) {
            assertThat(client.handshake("/race/" + id)).startsWith("HTTP/1.1 101");
            assertThat(client.readFrame().text()).isEqualTo("first " + id);
            client.write(RawWebSocket.text("hello " + id));
            assertThat(client.readFrame().text()).isEqualTo("second " + id + ": hello " + id);
            RawWebSocket.Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1000);
            client.write(RawWebSocket.close(1000, ""));
            client.readToEnd();
        }
    }

    /**
     * An origin pushes {@link #PUSH_BYTES} in binary messages from the moment it sends its 101
     * (the first frame is in the same write), as fast as the edge takes them. The client reads
     * nothing for a second, then slowly, then at full speed. Every byte arrives, in order (each
     * 8-byte word of the stream holds its own index), and the edge's buffer memory stays bounded.
     */
    @Test
    void anOriginPushingFromItsFirstMomentReachesASlowReaderInOrderWithBoundedEdgeMemory() throws Exception {
        AtomicLong pushed = new AtomicLong();
        try (SilentOrigins.Scripted origin = new SilentOrigins.Scripted((in, out) -> push(in, out, pushed));
                TestEdge edge = TestEdge.toOrigin(origin.port());
                RawWebSocket client = RawWebSocket.connect(edge.port());
                AllocatorWatch watch = new AllocatorWatch()) {
            long started = System.nanoTime();
            assertThat(client.handshake("/push")).startsWith("HTTP/1.1 101");
            Thread.sleep(1000);
            long pushedWhilePaused = pushed.get();

            DataInputStream in = new DataInputStream(client.socket.getInputStream());
            byte[] payload = new byte[PUSH_FRAME];
            ByteBuffer words = ByteBuffer.wrap(payload);
            long received = 0;
            long nextWord = 0;
            long frames = 0;
            while (received < PUSH_BYTES) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                assertThat(b0).as("frame %d: FIN and binary", frames).isEqualTo(0x82);
                int length = b1 == 126 ? in.readUnsignedShort() : b1;
                assertThat(length).as("frame %d: payload length", frames).isLessThanOrEqualTo(PUSH_FRAME);
                in.readFully(payload, 0, length);
                for (int at = 0; at < length; at += 8) {
                    long word = words.getLong(at);
                    if (word != nextWord) {
                        throw new AssertionError("word " + nextWord + " (byte " + (received + at) + ") held " + word);
                    }
                    nextWord++;
                }
                received += length;
                frames++;
                if (received < 16L << 20 && frames % 16 == 0) {
                    Thread.sleep(10); // a reader slower than the origin, for the first 16 MiB
                }
            }
            RawWebSocket.Frame close = client.readFrame();
            assertThat(close.closeCode()).isEqualTo(1000);
            client.write(RawWebSocket.close(1000, ""));
            client.readToEnd();
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertThat(received).isEqualTo(PUSH_BYTES);
            assertThat(watch.peakGrowth()).as("edge buffer memory growth at its peak (bytes)").isLessThan(MEMORY_BOUND);
            // What the origin got into its socket while nobody read: the edge's bound plus the
            // kernel's socket buffers on both connections, not the whole volume.
            assertThat(pushedWhilePaused).as("bytes the origin pushed while the client read nothing")
                    .isLessThan(64L << 20);
            System.out.printf("pushed %d MiB in %d frames to a slow reader in %d ms; %.1f MiB pushed during the pause%n",
                    received >> 20, frames, millis, pushedWhilePaused / 1048576.0);
            RequestLog log = edge.nextLog();
            assertThat(log.webSocketClosedBy()).isEqualTo(ClosedBy.origin);
            assertThat(log.webSocketOriginMessages()).isEqualTo(frames);
        }
    }

    /** The push origin: 101 and first frame in one write, then frames until PUSH_BYTES, then 1000. */
    private static void push(InputStream in, OutputStream out, AtomicLong pushed) {
        try {
            byte[] hello = SilentOrigins.switchingProtocols(SilentOrigins.readHead(in));
            byte[] frame = new byte[4 + PUSH_FRAME];
            ByteBuffer words = ByteBuffer.wrap(frame);
            long word = 0;
            boolean first = true;
            for (long sent = 0; sent < PUSH_BYTES; ) {
                int length = (int) Math.min(PUSH_FRAME, PUSH_BYTES - sent);
                words.put(0, (byte) 0x82).put(1, (byte) 126).putShort(2, (short) length);
                for (int at = 4; at < 4 + length; at += 8) {
                    words.putLong(at, word++);
                }
                if (first) {
                    out.write(concat(hello, Arrays.copyOf(frame, 4 + length)));
                    first = false;
                } else {
                    out.write(frame, 0, 4 + length);
                }
                sent += length;
                pushed.set(sent);
            }
            out.write(serverFrame(0x8, new byte[] {0x03, (byte) 0xE8}));
            out.flush();
            in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An unmasked frame, as a server sends it; payloads under 126 bytes. */
    private static byte[] serverFrame(int opcode, byte[] payload) {
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    /** Reads one short masked text frame, as a client sends it, and unmasks it. */
    private static String readMaskedText(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        if (b0 != 0x81 || (b1 & 0x80) == 0 || (b1 & 0x7F) > 125) {
            throw new IOException("expected a short masked text frame, got " + b0 + " " + b1);
        }
        byte[] mask = new byte[4];
        in.readFully(mask);
        byte[] payload = new byte[b1 & 0x7F];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
