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

    // ------------------------------------------------------------ framing rules and limits

    /** What an enforcing tracker says about {@code bytes} given whole: the event and where it starts. */
    static int[] verdict(FrameTracker tracker, byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            int event = tracker.track(buf, 0);
            return new int[] {event, event == FrameTracker.DONE ? -1 : tracker.eventStart()};
        } finally {
            buf.release();
        }
    }

    static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};
    static final byte[] HELLO = frame(true, 0x1, "hello".getBytes(), MASK);

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void aReservedOpcodeIsAProtocolErrorWhereItStarts(int opcode) {
        byte[] bytes = concat(HELLO, frame(true, opcode, new byte[4], MASK), HELLO);
        FrameTracker tracker = new FrameTracker(new FrameRules(1024, false));
        assertThat(verdict(tracker, bytes)).containsExactly(FrameTracker.PROTOCOL_ERROR, HELLO.length);
        assertThat(tracker.messages()).as("the message before it counts").isEqualTo(1);
    }

    @Test
    void aReservedOpcodeAnExtensionMayDefinePassesButNotOverTheLimit() {
        FrameTracker tracker = new FrameTracker(new FrameRules(1024, true));
        assertThat(verdict(tracker, concat(frame(true, 0x3, new byte[1024], MASK), HELLO))[0]).isEqualTo(FrameTracker.DONE);
        assertThat(tracker.messages()).as("not a data message").isEqualTo(1);
        // the case: a 100,000-byte opcode-3 frame against a 1 KiB limit
        assertThat(verdict(new FrameTracker(new FrameRules(1024, true)), frame(true, 0x3, new byte[100_000], MASK)))
                .containsExactly(FrameTracker.TOO_BIG, 0);
        // a reserved control opcode still follows the control frame rules
        assertThat(verdict(new FrameTracker(new FrameRules(1024, true)), frame(true, 0xB, new byte[126], MASK)))
                .containsExactly(FrameTracker.PROTOCOL_ERROR, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void aControlFrameOver125BytesIsAProtocolErrorEvenOverTheLimit(int opcode) {
        FrameTracker tracker = new FrameTracker(new FrameRules(1024, false));
        assertThat(verdict(tracker, concat(HELLO, frame(true, opcode, new byte[100_000], MASK))))
                .containsExactly(FrameTracker.PROTOCOL_ERROR, HELLO.length);
        assertThat(tracker.closeSeen()).isFalse();
        assertThat(verdict(new FrameTracker(new FrameRules(1024, false)), frame(true, opcode, new byte[126], null)))
                .containsExactly(FrameTracker.PROTOCOL_ERROR, 0);
        assertThat(verdict(new FrameTracker(new FrameRules(1024, false)),
                frame(true, opcode, closePayload(1000, "x".repeat(123)), null))[0])
                .as("125 bytes is allowed").isEqualTo(FrameTracker.DONE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void aFragmentedControlFrameIsAProtocolError(int opcode) {
        FrameTracker tracker = new FrameTracker(new FrameRules(0, false));
        byte[] bytes = concat(frame(false, 0x1, "frag".getBytes(), MASK), frame(false, opcode, closePayload(1000, ""), MASK),
                frame(true, opcode, new byte[0], MASK), frame(true, 0x0, "ment".getBytes(), MASK));
        assertThat(verdict(tracker, bytes)).containsExactly(FrameTracker.PROTOCOL_ERROR, 10);
        assertThat(tracker.closeSeen()).isFalse();
    }

    @Test
    void aControlFrameOverASmallLimitIsTooBig() {
        assertThat(verdict(new FrameTracker(new FrameRules(64, false)), frame(true, 0x9, new byte[65], MASK)))
                .containsExactly(FrameTracker.TOO_BIG, 0);
        assertThat(verdict(new FrameTracker(new FrameRules(64, false)), frame(true, 0x9, new byte[64], MASK))[0])
                .isEqualTo(FrameTracker.DONE);
    }

    @Test
    void aBadHeaderSplitAcrossReadsIsFoundWhenItIsWhole() {
        byte[] bad = frame(true, 0x9, new byte[200], MASK); // 126: a 16-bit length follows
        FrameTracker tracker = new FrameTracker(new FrameRules(0, false));
        ByteBuf first = Unpooled.wrappedBuffer(concat(HELLO, java.util.Arrays.copyOf(bad, 3)));
        assertThat(tracker.track(first, 0)).isEqualTo(FrameTracker.DONE);
        ByteBuf rest = Unpooled.wrappedBuffer(bad, 3, bad.length - 3);
        assertThat(tracker.track(rest, 0)).isEqualTo(FrameTracker.PROTOCOL_ERROR);
        assertThat(tracker.eventStart()).as("began in the earlier read").isEqualTo(-1);
        first.release();
        rest.release();
        // and byte by byte: reported at the header's last byte, from where the header began
        FrameTracker slow = new FrameTracker(new FrameRules(0, false));
        byte[] bytes = concat(HELLO, bad);
        int event = FrameTracker.DONE;
        int at = 0;
        for (; at < bytes.length && event == FrameTracker.DONE; at++) {
            ByteBuf one = Unpooled.wrappedBuffer(bytes, at, 1);
            event = slow.track(one, 0);
            one.release();
        }
        assertThat(event).isEqualTo(FrameTracker.PROTOCOL_ERROR);
        assertThat(at).isEqualTo(HELLO.length + 8); // 2 + 2 length + 4 mask
    }

    @Test
    void anObservingTrackerChecksNoRule() {
        byte[] bytes = concat(frame(true, 0x3, new byte[100_000], MASK), frame(false, 0x9, new byte[300], MASK), HELLO);
        FrameTracker tracker = new FrameTracker();
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        assertThat(tracker.track(buf, 0)).isEqualTo(FrameTracker.DONE);
        buf.release();
        assertThat(tracker.frames()).isEqualTo(3);
        assertThat(tracker.messages()).isEqualTo(1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
