package dev.pier.edge.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Builds the close frames the edge sends on its own (RFC 6455 §5.5.1). */
public final class CloseFrames {

    /** Close codes the edge uses, with the reasons it gives. */
    public static final int GOING_AWAY = 1001;
    public static final int INTERNAL_ERROR = 1011;

    private CloseFrames() {
    }

    /**
     * A close frame with a status code and a UTF-8 reason (cut to fit the 123 bytes a control
     * frame leaves for it). Frames toward an origin are masked, as a client's must be.
     */
    public static ByteBuf close(ByteBufAllocator alloc, int code, String reason, boolean masked) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int reasonLength = Math.min(text.length, 123);
        int payload = 2 + reasonLength;
        ByteBuf frame = alloc.buffer(2 + (masked ? 4 : 0) + payload);
        frame.writeByte(0x80 | FrameTracker.OPCODE_CLOSE);
        frame.writeByte((masked ? 0x80 : 0) | payload);
        int mask = masked ? ThreadLocalRandom.current().nextInt() : 0;
        if (masked) {
            frame.writeInt(mask);
        }
        int start = frame.writerIndex();
        frame.writeShort(code);
        frame.writeBytes(text, 0, reasonLength);
        if (masked) {
            for (int i = 0; i < payload; i++) {
                int maskByte = (mask >>> (8 * (3 - (i & 3)))) & 0xFF;
                frame.setByte(start + i, frame.getByte(start + i) ^ maskByte);
            }
        }
        return frame;
    }
}
