package dev.pier.edge.tunnel;

/**
 * Which frames of one direction the edge forwards: RFC 6455's framing rules that the edge
 * enforces, and the zone's message size limit. A {@link FrameTracker} asks once per frame header,
 * with what the header said; nothing here is per byte. Immutable.
 */
final class FrameRules {

    /** The largest payload a control frame may carry (RFC 6455 §5.5). */
    static final int MAX_CONTROL_PAYLOAD = 125;

    /** Rules for a tracker that only observes: every frame may be forwarded. */
    static final FrameRules NONE = new FrameRules(0, true, false);
    /** The rules of a zone without a message size limit (the default), shared by all its tunnels. */
    private static final FrameRules NO_LIMIT = new FrameRules(0, false);
    private static final FrameRules NO_LIMIT_RESERVED_OPCODES = new FrameRules(0, true);

    /** The rules for a tunnel: a shared instance when there is no size limit, the case of most zones. */
    static FrameRules of(long maxMessageSize, boolean reservedOpcodesAllowed) {
        if (maxMessageSize == 0) {
            return reservedOpcodesAllowed ? NO_LIMIT_RESERVED_OPCODES : NO_LIMIT;
        }
        return new FrameRules(maxMessageSize, reservedOpcodesAllowed);
    }

    private final long maxMessageSize;
    private final boolean reservedOpcodesAllowed;
    /** False for {@link #NONE}: no limit or framing rule is checked. */
    private final boolean enforcing;

    /**
     * @param maxMessageSize         largest message payload allowed; 0 for no limit
     * @param reservedOpcodesAllowed true when an extension negotiated for the connection may
     *                               define reserved opcodes; frames with them are then subject
     *                               only to the size limit and, for 0xB-0xF, the control frame rules
     */
    FrameRules(long maxMessageSize, boolean reservedOpcodesAllowed) {
        this(maxMessageSize, reservedOpcodesAllowed, true);
    }

    private FrameRules(long maxMessageSize, boolean reservedOpcodesAllowed, boolean enforcing) {
        this.maxMessageSize = maxMessageSize;
        this.reservedOpcodesAllowed = reservedOpcodesAllowed;
        this.enforcing = enforcing;
    }

    /**
     * Whether a frame may be forwarded: {@link FrameTracker#DONE} if so, else
     * {@link FrameTracker#PROTOCOL_ERROR} or {@link FrameTracker#TOO_BIG}. A broken rule is
     * reported before a size.
     *
     * @param firstByte     the frame's FIN, RSV and opcode
     * @param payloadLength the frame's payload length
     * @param messageBytes  for a data frame, the payload of its message so far, this frame's included
     */
    int verdict(int firstByte, long payloadLength, long messageBytes) {
        if (!enforcing) {
            return FrameTracker.DONE;
        }
        int opcode = firstByte & 0x0F;
        boolean control = opcode >= FrameTracker.OPCODE_CLOSE;
        if (control && ((firstByte & 0x80) == 0 || payloadLength > MAX_CONTROL_PAYLOAD)) {
            return FrameTracker.PROTOCOL_ERROR;
        }
        boolean reserved = opcode > 0x2 && opcode < FrameTracker.OPCODE_CLOSE || opcode > FrameTracker.OPCODE_PONG;
        if (reserved && !reservedOpcodesAllowed) {
            return FrameTracker.PROTOCOL_ERROR;
        }
        long size = opcode <= 0x2 ? messageBytes : payloadLength;
        return maxMessageSize > 0 && size > maxMessageSize ? FrameTracker.TOO_BIG : FrameTracker.DONE;
    }
}
