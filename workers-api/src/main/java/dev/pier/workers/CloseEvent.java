package dev.pier.workers;

/**
 * A WebSocket was closed: the code and reason of the close frame (1005 and "" when it had none,
 * 1006 when the connection ended without one) and whether it ended with a close handshake.
 */
public record CloseEvent(int code, String reason, boolean wasClean) {
}
