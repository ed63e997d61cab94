package dev.pier.workers;

/** A WebSocket failed (its connection broke, or a message was over the limit); a close event follows. */
public record ErrorEvent(String message) {
}
