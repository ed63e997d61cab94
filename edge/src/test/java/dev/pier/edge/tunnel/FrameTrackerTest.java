package dev.pier.edge.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FrameTrackerTest {

    /** A frame with any payload length; masked when {@code mask} is not null. */
    static byte[] frame(boolean fin, int opcode, byte[] payload, byte[] mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int maskBit = mask == null ? 0 : 0x80;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.write(maskBit | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (((long) payload.length >>> (8 * i)) & 0xFF));
            }
        }
        if (mask != null) {
            out.writeBytes(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(mask == null ? payload[i] : payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    static byte[] stream(byte[] mask) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(frame(true, 0x1, "hello".getBytes(), mask));          // message 1
        s.writeBytes(frame(false, 0x2, new byte[300], mask));               // message 2 starts (16-bit length)
        s.writeBytes(frame(true, 0x9, "ping".getBytes(), mask));           // a control frame in between
        s.writeBytes(frame(true, 0x0, new byte[70_000], mask));             // message 2 ends (64-bit length)
        s.writeBytes(frame(true, 0x2, new byte[0], mask));                  // message 3, empty
        s.writeBytes(frame(true, 0x8, closePayload(4321, "bye"), mask));    // close
        return s.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 13, 64, 1000, 100_000})
    void countsMessagesAndFindsTheCloseCodeWhateverTheSplits(int chunk) {
        for (byte[] mask : new byte[][] {null, {0x12, 0x34, 0x56, 0x78}}) {
            byte[] bytes = stream(mask);
            FrameTracker tracker = new FrameTracker();
            boolean closed = false;
            for (int at = 0; at < bytes.length; at += chunk) {
                ByteBuf buf = Unpooled.wrappedBuffer(bytes, at, Math.min(chunk, bytes.length - at));
                int reader = buf.readerIndex();
                closed |= tracker.track(buf);
                assertThat(buf.readerIndex()).isEqualTo(reader); // never consumes
                buf.release();
            }
            assertThat(closed).isTrue();
            assertThat(tracker.messages()).isEqualTo(3);
            assertThat(tracker.frames()).isEqualTo(6);
            assertThat(tracker.closeSeen()).isTrue();
            assertThat(tracker.closeCode()).isEqualTo(4321);
            assertThat(tracker.atBoundary()).isTrue();
        }
    }

    @Test
    void knowsWhenItIsInTheMiddleOfAFrame() {
        byte[] f = frame(true, 0x2, new byte[10], null);
        FrameTracker tracker = new FrameTracker();
        ByteBuf head = Unpooled.wrappedBuffer(f, 0, 1);
        tracker.track(head);
        assertThat(tracker.atBoundary()).isFalse(); // half a header
        ByteBuf part = Unpooled.wrappedBuffer(f, 1, 5);
        tracker.track(part);
        assertThat(tracker.atBoundary()).isFalse(); // inside the payload
        ByteBuf rest = Unpooled.wrappedBuffer(f, 6, f.length - 6);
        tracker.track(rest);
        assertThat(tracker.atBoundary()).isTrue();
        head.release();
        part.release();
        rest.release();
    }

    @Test
    void closeWithoutStatusReads1005() {
        FrameTracker tracker = new FrameTracker();
        ByteBuf buf = Unpooled.wrappedBuffer(frame(true, 0x8, new byte[0], new byte[] {1, 2, 3, 4}));
        assertThat(tracker.track(buf)).isTrue();
        assertThat(tracker.closeCode()).isEqualTo(1005);
        buf.release();
    }

    @Test
    void randomStreamsAlwaysEndAtABoundary() {
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            int expectedMessages = 0;
            int frames = 1 + random.nextInt(20);
            for (int i = 0; i < frames; i++) {
                boolean fin = random.nextBoolean();
                int opcode = random.nextInt(3);
                if (fin) {
                    expectedMessages++;
                }
                byte[] payload = new byte[random.nextInt(3) == 0 ? random.nextInt(70_000) : random.nextInt(130)];
                s.writeBytes(frame(fin, opcode, payload, random.nextBoolean() ? new byte[] {9, 8, 7, 6} : null));
            }
            byte[] bytes = s.toByteArray();
            FrameTracker tracker = new FrameTracker();
            for (int at = 0; at < bytes.length; ) {
                int n = Math.min(1 + random.nextInt(5000), bytes.length - at);
                ByteBuf buf = Unpooled.wrappedBuffer(bytes, at, n);
                tracker.track(buf);
                buf.release();
                at += n;
            }
            assertThat(tracker.atBoundary()).isTrue();
            assertThat(tracker.frames()).isEqualTo(frames);
            assertThat(tracker.messages()).isEqualTo(expectedMessages);
        }
    }
}
