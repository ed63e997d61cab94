package dev.pier.edge.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the control frames the edge sends on its own (RFC 6455 §5.5): close frames and
 * keepalive pings. Frames toward an origin are masked, as a client's must be.
 */
public final class ControlFrames {

    /** Close codes the edge uses. */
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private ControlFrames() {
    }

    /** A close frame with a status code and a UTF-8 reason, cut to the 123 bytes a control frame leaves. */
    public static ByteBuf close(ByteBufAllocator alloc, int code, String reason, boolean masked) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int reasonLength = Math.min(text.length, 123);
        ByteBuf payload = alloc.heapBuffer(2 + reasonLength).writeShort(code).writeBytes(text, 0, reasonLength);
        try {
            return frame(alloc, FrameTracker.OPCODE_CLOSE, payload, masked);
        } finally {
            payload.release();
        }
    }

    /** A ping whose 8-byte payload is {@code token}; the pong that echoes it is the edge's to swallow. */
    public static ByteBuf ping(ByteBufAllocator alloc, long token, boolean masked) {
        ByteBuf payload = alloc.heapBuffer(FrameTracker.PING_PAYLOAD).writeLong(token);
        try {
            return frame(alloc, FrameTracker.OPCODE_PING, payload, masked);
        } finally {
            payload.release();
        }
    }

    private static ByteBuf frame(ByteBufAllocator alloc, int opcode, ByteBuf payload, boolean masked) {
        int length = payload.readableBytes();
        ByteBuf frame = alloc.buffer(2 + (masked ? 4 : 0) + length);
        frame.writeByte(0x80 | opcode);
        frame.writeByte((masked ? 0x80 : 0) | length);
        if (!masked) {
            return frame.writeBytes(payload);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        frame.writeInt(mask);
        for (int i = 0; i < length; i++) {
            frame.writeByte(payload.getByte(payload.readerIndex() + i) ^ (mask >>> (8 * (3 - (i & 3)))));
        }
        return frame;
    }
}
