package dev.pier.control.livelogs;

import dev.pier.analytics.RequestLog;
import java.time.Instant;

/**
 * A session of another node, as this node relays to it: this node's records of the session's
 * zone pass the session's filter and sampling here, and what passes travels in payloads of at
 * most {@link LiveLogPeers#MAX_PAYLOAD_BYTES}, at most {@code perSecond} records a second. What
 * does not travel (over the rate, a record too long for a payload, a payload the peers could
 * not queue) is counted and told to the session's node with the next payload, whose listeners
 * see it as they see their own drops.
 *
 * <p>A payload is the number of records dropped since the last one, a newline, then the NDJSON
 * lines. The dispatching thread alone touches an instance.
 */
final class RelayedSession {

    private final SessionAnnouncement announced;
    private final LiveLogQuery query;
    private final int perSecond;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private int pendingBytes;
    private int pendingRecords;
    private long dropped;
    private long relayed;
    private long droppedTotal;
    private long windowStartMillis;
    private int inWindow;
    private Instant lastHeard;

    RelayedSession(SessionAnnouncement announced, LiveLogQuery query, int perSecond, Instant heard) {
        this.announced = announced;
        this.query = query;
        this.perSecond = perSecond;
        this.lastHeard = heard;
    }

    SessionAnnouncement announced() {
        return announced;
    }

    String relayKey() {
        return announced.relayKey();
    }

    Instant lastHeard() {
        return lastHeard;
    }

    void heard(Instant at) {
        lastHeard = at;
    }

    /** Records that went to the session's node. */
    long relayedRecords() {
        return relayed;
    }

    /** Records that passed the filter and the sampling but did not go. */
    long droppedRecords() {
        return droppedTotal;
    }

    void offer(RequestLog log, long nowMillis, LiveLogPeers peers) {
        if (!query.keeps(log)) {
            return;
        }
        if (nowMillis - windowStartMillis >= 1000) {
            windowStartMillis = nowMillis;
            inWindow = 0;
        }
        if (inWindow >= perSecond) {
            drop(1);
            return;
        }
        inWindow++;
        line.setLength(0);
        query.appendLine(log, line);
        int bytes = utf8Length(line);
        if (bytes > LiveLogPeers.MAX_PAYLOAD_BYTES - 24) { // 24: room for the drop count's line
            drop(1);
            return;
        }
        if (pendingBytes + bytes > LiveLogPeers.MAX_PAYLOAD_BYTES - 24) {
            flush(peers);
        }
        pending.append(line);
        pendingBytes += bytes;
        pendingRecords++;
    }

    /** Sends what was gathered, and the count of what was dropped, when there is either. */
    void flush(LiveLogPeers peers) {
        if (pendingRecords == 0 && dropped == 0) {
            return;
        }
        String payload = dropped + "\n" + pending;
        if (peers.relay(announced.relayKey(), payload)) {
            relayed += pendingRecords;
            dropped = 0;
        } else {
            drop(pendingRecords);
        }
        pending.setLength(0);
        pendingBytes = 0;
        pendingRecords = 0;
    }

    private void drop(long count) {
        dropped += count;
        droppedTotal += count;
    }

    /** The UTF-8 length of the text, counting a surrogate pair as 6 (more than its 4, never less). */
    static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return n;
    }
}
