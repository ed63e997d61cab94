package dev.pier.control.livelogs;

/** Where a session's messages go: one WebSocket, seen without its transport. */
public interface LiveLogListener {

    /**
     * Sends one message (one or more NDJSON lines) without waiting.
     *
     * @return false when it could not be sent now (the listener reads too slowly, or is gone)
     */
    boolean send(String message);

    /** Ends the listener's connection with a WebSocket close code and a reason. */
    void close(int code, String reason);
}
