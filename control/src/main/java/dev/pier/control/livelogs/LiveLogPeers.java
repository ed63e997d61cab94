package dev.pier.control.livelogs;

/**
 * How this node's live log sessions reach the other nodes of its store, and theirs reach it:
 * announcements of sessions on one channel every node hears, and each session's relayed
 * records on a channel of its own that only the session's node listens to. Nothing here
 * waits for the network: sends are queued, and refused when the queue is full.
 */
public interface LiveLogPeers extends AutoCloseable {

    /** One node alone (the embedded store): nothing to announce, nobody relays. */
    LiveLogPeers NONE = new LiveLogPeers() {
        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public void announce(String announcement) {
        }

        @Override
        public void listen(String relayKey) {
        }

        @Override
        public void unlisten(String relayKey) {
        }

        @Override
        public boolean relay(String relayKey, String payload) {
            return false;
        }

        @Override
        public void close() {
        }
    };

    /** The most bytes (UTF-8) one relayed payload may have. */
    int MAX_PAYLOAD_BYTES = 7_900;

    /** What the peers hear, on a thread of theirs: neither call may block. */
    interface Receiver {
        /** Another node (or this one) announced a session, or its end. */
        void announced(String announcement);

        /** Another node relayed records to this node's session known by {@code relayKey}. */
        void relayed(String relayKey, String payload);
    }

    /** Begins hearing: from now on announcements and relayed records go to {@code receiver}. */
    void start(Receiver receiver);

    /** Tells every node (this one too) about a session. */
    void announce(String announcement);

    /** This node's session {@code relayKey} takes relayed records from now on. */
    void listen(String relayKey);

    /** This node's session {@code relayKey} has ended: its relayed records are no longer heard. */
    void unlisten(String relayKey);

    /**
     * Queues a payload (at most {@link #MAX_PAYLOAD_BYTES}) for the node of session
     * {@code relayKey}.
     *
     * @return false when it cannot be queued now: the caller counts its records as dropped
     */
    boolean relay(String relayKey, String payload);

    @Override
    void close();
}
