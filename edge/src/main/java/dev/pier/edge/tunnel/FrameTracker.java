package dev.pier.edge.tunnel;

import io.netty.buffer.ByteBuf;

/**
 * Follows the frame boundaries of one direction of a WebSocket stream without copying or
 * decoding payloads: it reads frame headers (2 to 14 bytes) and skips payloads. It counts
 * complete messages, notices close frames and their status code, and tells whether the bytes
 * seen so far end exactly at a frame boundary, which is where the edge may insert a frame.
 *
 * <p>{@link #track} scans until the end of the bytes or until a frame the edge must act on:
 * <ul>
 *   <li>{@link #SWALLOW}: the pong answering the edge's own keepalive ping
 *       ({@link #expectPong}); it must not be forwarded.</li>
 *   <li>{@link #HOLD}: the bytes from {@link #eventStart()} may be the start of that pong but
 *       are incomplete; the caller keeps them and presents them again with what follows.</li>
 *   <li>{@link #TOO_BIG}: the frame starting at {@link #eventStart()} is over the limit (a
 *       data frame: its message; any other frame: its payload); nothing from there on may be
 *       forwarded ({@link FrameRules}).</li>
 *   <li>{@link #PROTOCOL_ERROR}: the frame starting at {@link #eventStart()} breaks RFC 6455's
 *       framing rules: a control frame with more than 125 bytes of payload or without FIN
 *       (§5.5), or a reserved opcode (3-7, 0xB-0xF, §5.2) when no negotiated extension may
 *       define one; nothing from there on may be forwarded.</li>
 *   <li>{@link #BOUNDARY}: asked for with {@link #stopAtNextBoundary()}, the first frame
 *       boundary, at {@link #eventStart()}: where the edge's own close frame may go.</li>
 * </ul>
 * State survives across buffers, so headers split over TCP reads are handled. It never
 * modifies the buffer's indices. Not thread-safe: one instance per direction, used on the
 * connection's event loop.
 */
public final class FrameTracker {

    /** Opcode of a close frame (RFC 6455 §5.5.1). */
    public static final int OPCODE_CLOSE = 0x8;
    public static final int OPCODE_PING = 0x9;
    public static final int OPCODE_PONG = 0xA;

    /** Results of {@link #track}. */
    public static final int DONE = 0;
    public static final int SWALLOW = 1;
    public static final int HOLD = 2;
    public static final int TOO_BIG = 3;
    public static final int BOUNDARY = 4;
    public static final int PROTOCOL_ERROR = 5;

    /** Payload length of the edge's keepalive pings and of the pongs that answer them. */
    public static final int PING_PAYLOAD = 8;

    /** Which frames may be forwarded; {@link FrameRules#NONE} for a tracker that only observes. */
    private final FrameRules rules;

    // A tunnel keeps two trackers for as long as it is open, so the fields are as narrow as their values.
    private byte headerPos;       // bytes of the current header seen (at most 14); 0 = at a boundary
    private byte headerLength;    // 2 + extended length + mask, known after byte 2
    private byte lengthEnd;       // header position after the extended length bytes
    private int firstByte;        // FIN, RSV and opcode of the current frame
    private long payloadLength;   // assembled from the header
    private int maskKey;          // 0 when unmasked
    private long remaining;       // payload bytes of the current frame still to come; payloadLength - remaining were seen
    private char closeCode;       // assembled from the first two payload bytes of a close frame
    private long messageBytes;    // payload of the current data message so far

    private long messages;
    private long frames;
    private boolean closeSeen;
    private boolean closeCompleted;
    private char firstCloseCode;
    private boolean pongExpected;
    private boolean stopAtBoundary;
    private long pongToken;
    private int eventStart;
    private int eventEnd;

    /** A tracker that only observes: no size limit, and no framing rule is checked. */
    public FrameTracker() {
        this(FrameRules.NONE);
    }

    /** A tracker that stops at frames {@code rules} do not let through; a tunnel's two directions share theirs. */
    FrameTracker(FrameRules rules) {
        this.rules = rules;
    }

    /** Follows all readable bytes of {@code buf}; for callers that need no events. */
    public boolean track(ByteBuf buf) {
        track(buf, buf.readerIndex());
        return takeCloseCompleted();
    }

    /**
     * Follows {@code buf} from index {@code from} to its writer index, or up to the first frame
     * the edge must act on.
     *
     * @return {@link #DONE}, {@link #SWALLOW}, {@link #HOLD}, {@link #TOO_BIG},
     *         {@link #PROTOCOL_ERROR} or {@link #BOUNDARY}
     */
    public int track(ByteBuf buf, int from) {
        int i = from;
        final int end = buf.writerIndex();
        while (i < end) {
            if (stopAtBoundary && headerPos == 0 && remaining == 0 && i > from) {
                stopAtBoundary = false;
                eventStart = i;
                return BOUNDARY;
            }
            if (remaining > 0) {
                int n = (int) Math.min(remaining, end - i);
                if (opcode() == OPCODE_CLOSE && payloadSeen() < 2) {
                    captureCloseCode(buf, i, n);
                }
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    frameEnd();
                }
                continue;
            }
            if (headerPos == 0) {
                if (pongExpected && buf.getUnsignedByte(i) == (0x80 | OPCODE_PONG)) {
                    int event = pongAt(buf, i, end);
                    if (event != DONE) {
                        return event;
                    }
                }
                int header = wholeHeader(buf, i, end);
                if (header > 0) {
                    int verdict = verdict();
                    if (verdict != DONE) {
                        eventStart = i;
                        return verdict;
                    }
                    i += header;
                    if (remaining == 0) {
                        frameEnd();
                    }
                    continue;
                }
            }
            int start = i - headerPos;
            if (headerByte(buf.getUnsignedByte(i++))) {
                int verdict = verdict();
                if (verdict != DONE) {
                    eventStart = start >= from ? start : -1; // -1: the header began in an earlier buffer
                    return verdict;
                }
            }
        }
        return DONE;
    }

    /** The edge's pong, whole ({@link #SWALLOW}), cut short ({@link #HOLD}), or not ours (DONE). */
    private int pongAt(ByteBuf buf, int i, int end) {
        if (end - i < 2) {
            eventStart = i;
            return HOLD;
        }
        int b1 = buf.getUnsignedByte(i + 1);
        if ((b1 & 0x7F) != PING_PAYLOAD) {
            return DONE;
        }
        boolean masked = (b1 & 0x80) != 0;
        int length = 2 + (masked ? 4 : 0) + PING_PAYLOAD;
        if (end - i < length) {
            eventStart = i;
            return HOLD;
        }
        long payload = buf.getLong(i + length - PING_PAYLOAD);
        if (masked) {
            long mask = buf.getUnsignedInt(i + 2);
            payload ^= (mask << 32) | mask;
        }
        if (payload != pongToken) {
            return DONE;
        }
        pongExpected = false;
        frames++;
        eventStart = i;
        eventEnd = i + length;
        return SWALLOW;
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
        long len = extended == 0 ? len7 : extended == 2 ? buf.getUnsignedShort(i + 2) : buf.getLong(i + 2);
        startFrame(len, masked ? buf.getInt(i + 2 + extended) : 0);
        return length;
    }

    /** Byte-by-byte header parsing; returns true when this byte completed a header. */
    private boolean headerByte(int b) {
        switch (headerPos++) {
            case 0 -> {
                firstByte = b;
                payloadLength = 0;
                maskKey = 0;
            }
            case 1 -> {
                int len7 = b & 0x7F;
                int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
                lengthEnd = (byte) (2 + extended);
                headerLength = (byte) (lengthEnd + ((b & 0x80) != 0 ? 4 : 0));
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
        startFrame(payloadLength, maskKey);
        if (remaining == 0 && verdict() == DONE) {
            frameEnd();
        }
        return true;
    }

    private void startFrame(long length, int mask) {
        payloadLength = length < 0 ? Long.MAX_VALUE : length; // not a valid frame: the rest is opaque
        maskKey = mask;
        closeCode = 0;
        remaining = payloadLength;
        int opcode = opcode();
        if (opcode == 0x1 || opcode == 0x2) {
            messageBytes = payloadLength;
        } else if (opcode == 0x0) {
            messageBytes += payloadLength;
        }
    }

    /**
     * Whether the frame whose header was just read may be forwarded: {@link #DONE} if so, else
     * {@link #PROTOCOL_ERROR} or {@link #TOO_BIG}.
     */
    private int verdict() {
        return rules.verdict(firstByte, payloadLength, messageBytes);
    }

    private void captureCloseCode(ByteBuf buf, int index, int available) {
        long seen = payloadSeen();
        for (int k = 0; k < available && seen + k < 2; k++) {
            int offset = (int) (seen + k);
            int maskByte = (maskKey >>> (8 * (3 - (offset & 3)))) & 0xFF;
            closeCode = (char) ((closeCode << 8) | ((buf.getUnsignedByte(index + k) ^ maskByte) & 0xFF));
        }
    }

    /** Payload bytes of the current frame seen so far. */
    private long payloadSeen() {
        return payloadLength - remaining;
    }

    private void frameEnd() {
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
            closeCompleted = true;
        }
    }

    private int opcode() {
        return firstByte & 0x0F;
    }

    /** Arms pong swallowing: the next pong carrying {@code token} is the edge's and is swallowed. */
    public void expectPong(long token) {
        pongExpected = true;
        pongToken = token;
    }

    /** Makes {@link #track} stop with {@link #BOUNDARY} at the end of the frame in progress. */
    public void stopAtNextBoundary() {
        stopAtBoundary = true;
    }

    /** True while the edge's ping has not been answered. */
    public boolean pongExpected() {
        return pongExpected;
    }

    /** True once, after a close frame was completed by the bytes tracked since the last call. */
    public boolean takeCloseCompleted() {
        boolean completed = closeCompleted;
        closeCompleted = false;
        return completed;
    }

    /** Where the frame of the last event starts in the buffer (-1: in an earlier buffer). */
    public int eventStart() {
        return eventStart;
    }

    /** Where the swallowed pong ends in the buffer. */
    public int eventEnd() {
        return eventEnd;
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
