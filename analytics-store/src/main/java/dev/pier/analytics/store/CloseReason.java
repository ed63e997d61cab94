package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;

/**
 * Why and by whom a WebSocket ended, in the words of Cloudflare's {@code websocket_analytics}
 * dataset ({@code ConnectionCloseReason}, {@code ConnectionCloseSource}), from what the request
 * log records: the first close code and the side that ended the connection.
 */
public final class CloseReason {

    private CloseReason() {
    }

    /** {@code downstream} (the client), {@code upstream} (the origin) or {@code edge}; null when unknown. */
    public static String source(RequestLog.ClosedBy closedBy) {
        if (closedBy == null) {
            return null;
        }
        return switch (closedBy) {
            case client -> "downstream";
            case origin -> "upstream";
            case edge -> "edge";
        };
    }

    /**
     * {@code none} for a close handshake, {@code peerReset} / {@code upstreamReset} when the
     * client / the origin dropped TCP without one (1006), {@code timedOut} for the edge's idle
     * timeout (1001 from the edge), {@code protocolViolation} (1002), {@code messageTooBig} (1009).
     */
    public static String reason(int closeCode, RequestLog.ClosedBy closedBy) {
        return switch (closeCode) {
            case 1006 -> closedBy == RequestLog.ClosedBy.origin ? "upstreamReset" : "peerReset";
            case 1002 -> "protocolViolation";
            case 1009 -> "messageTooBig";
            case 1001 -> closedBy == RequestLog.ClosedBy.edge ? "timedOut" : "none";
            default -> "none";
        };
    }
}
