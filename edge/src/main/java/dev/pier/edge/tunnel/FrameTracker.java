package dev.pier.edge.tunnel;

import io.netty.buffer.ByteBuf;

/**
 * Follows the frame boundaries of one direction of a WebSocket stream without copying or
 * decoding payloads: it reads frame headers (2 to 14 bytes) and skips payloads. It counts
 * complete messages, notices close frames and their status code, and tells whether the bytes
 * seen so far end exactly at a frame boundary, which is where the edge may insert a frame.
 *
 * <p>State survives across buffers, so headers split over TCP reads are handled. It never
 * modifies the buffer's indices. Not thread-safe: one instance per direction, used on the
 * connection's event loop.
 */
public final class FrameTracker {

    /** Opcode of a close frame (RFC 6455 §5.5.1). */
    public static final int OPCODE_CLOSE = 0x8;

    private int headerPos;        // bytes of the current header seen; 0 = at a boundary
    private int headerLength;     // 2 + extended length + mask, known after byte 2
    private int lengthEnd;        // header position after the extended length bytes
    private int firstByte;        // FIN, RSV and opcode of the current frame
    private long payloadLength;   // assembled from the header
    private int maskKey;          // 0 when unmasked
    private long remaining;       // payload bytes of the current frame still to come
    private long payloadSeen;     // payload bytes of the current frame seen
    private int closeCode;        // assembled from the first two payload bytes of a close frame

    private long messages;
    private long frames;
    private boolean closeSeen;
    private int firstCloseCode;

    /**
     * Follows the readable bytes of {@code buf}.
     *
     * @return true if a close frame was completed within these bytes
     */
    public boolean track(ByteBuf buf) {
        boolean closed = false;
        int i = buf.readerIndex();
        final int end = buf.writerIndex();
        while (i < end) {
            if (remaining > 0) {
                int n = (int) Math.min(remaining, end - i);
                if (opcode() == OPCODE_CLOSE && payloadSeen < 2) {
                    captureCloseCode(buf, i, n);
                }
                i += n;
                remaining -= n;
                payloadSeen += n;
                if (remaining == 0) {
                    closed |= frameEnd();
                }
                continue;
            }
            int header = headerPos == 0 ? wholeHeader(buf, i, end) : 0;
            if (header > 0) {
                i += header;
                if (remaining == 0) {
                    closed |= frameEnd();
                }
                continue;
            }
            closed |= headerByte(buf.getUnsignedByte(i++));
        }
        return closed;
    }

    /**
     * The fast path: when a whole header is in the buffer, reads it at once and returns its
     * length; returns 0 when the header is split across reads (then it goes byte by byte).
     */
    private int wholeHeader(ByteBuf buf, int i, int end) {
        if (end - i < 2) {
            return 0;
        }
        int b1 = buf.getUnsignedByte(i + 1);
        int len7 = b1 & 0x7F;
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        boolean masked = (b1 & 0x80) != 0;
        int length = 2 + extended + (masked ? 4 : 0);
        if (end - i < length) {
            return 0;
        }
        firstByte = buf.getUnsignedByte(i);
        payloadLength = extended == 0 ? len7 : extended == 2 ? buf.getUnsignedShort(i + 2) : buf.getLong(i + 2);
        if (payloadLength < 0) {
            payloadLength = Long.MAX_VALUE; // not a valid frame: the rest of the stream is opaque payload
        }
        maskKey = masked ? buf.getInt(i + 2 + extended) : 0;
        payloadSeen = 0;
        closeCode = 0;
        remaining = payloadLength;
        return length;
    }

    private boolean headerByte(int b) {
        switch (headerPos++) {
            case 0 -> {
                firstByte = b;
                payloadLength = 0;
                maskKey = 0;
                payloadSeen = 0;
                closeCode = 0;
            }
            case 1 -> {
                int len7 = b & 0x7F;
                int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
                lengthEnd = 2 + extended;
                headerLength = lengthEnd + ((b & 0x80) != 0 ? 4 : 0);
                payloadLength = extended == 0 ? len7 : 0;
            }
            default -> {
                if (headerPos <= lengthEnd) {
                    payloadLength = (payloadLength << 8) | b;
                } else {
                    maskKey = (maskKey << 8) | b;
                }
            }
        }
        if (headerPos < 2 || headerPos < headerLength) {
            return false;
        }
        headerPos = 0;
        remaining = payloadLength;
        return remaining == 0 && frameEnd();
    }

    private void captureCloseCode(ByteBuf buf, int index, int available) {
        for (int k = 0; k < available && payloadSeen + k < 2; k++) {
            int offset = (int) (payloadSeen + k);
            int maskByte = (maskKey >>> (8 * (3 - (offset & 3)))) & 0xFF;
            closeCode = (closeCode << 8) | ((buf.getUnsignedByte(index + k) ^ maskByte) & 0xFF);
        }
    }

    /** Returns true when the finished frame was a close frame. */
    private boolean frameEnd() {
        frames++;
        int opcode = opcode();
        boolean fin = (firstByte & 0x80) != 0;
        if (fin && opcode <= 0x2) {
            messages++;
        }
        if (opcode == OPCODE_CLOSE) {
            if (!closeSeen) {
                closeSeen = true;
                firstCloseCode = payloadLength >= 2 ? closeCode : 1005;
            }
            return true;
        }
        return false;
    }

    private int opcode() {
        return firstByte & 0x0F;
    }

    /** True when every byte seen so far belongs to a complete frame. */
    public boolean atBoundary() {
        return headerPos == 0 && remaining == 0;
    }

    /** Complete messages seen (a fragmented message counts once, control frames not at all). */
    public long messages() {
        return messages;
    }

    /** Complete frames seen, control frames included. */
    public long frames() {
        return frames;
    }

    public boolean closeSeen() {
        return closeSeen;
    }

    /** The status code of the first close frame, 1005 if it had none, 0 if none was seen. */
    public int closeCode() {
        return firstCloseCode;
    }
}
