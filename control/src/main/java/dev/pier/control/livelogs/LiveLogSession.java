package dev.pier.control.livelogs;

import dev.pier.analytics.RequestLog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One live log session of one zone: what it selects ({@link LiveLogQuery}), until when it lives,
 * and the listeners attached to it. Records are offered and flushed by the registry's one
 * dispatching thread; listeners attach and leave from the listener's own threads.
 *
 * <p>What passes the filter and the sampling is gathered into one message per dispatch round (a
 * message is one or more NDJSON lines, at most about {@link #MAX_MESSAGE_CHARS}). A listener that
 * cannot take a message loses it; the records lost are counted and the next message it gets
 * starts with a line saying how many ({@code {"dropped":N,...}}).
 */
public final class LiveLogSession {

    /** A message grows to about this many characters before it is sent. */
    static final int MAX_MESSAGE_CHARS = 64 * 1024;

    private final String id;
    private final String relayKey;
    private final String zoneId;
    private final String zoneName;
    private final LiveLogQuery query;
    private final Instant createdAt;
    private final Instant expiresAt;
    private final Clock clock;
    private final List<Attached> listeners = new CopyOnWriteArrayList<>();
    /** When the last listener left, or the session began when none has come yet; null while one listens. */
    private volatile Instant unattendedSince;
    private volatile boolean ended;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    // the dispatching thread's alone
    private final StringBuilder pending = new StringBuilder();
    private int pendingRecords;

    LiveLogSession(String id, String relayKey, String zoneId, String zoneName, LiveLogQuery query, Clock clock, Instant expiresAt) {
        this.id = id;
        this.relayKey = relayKey;
        this.zoneId = zoneId;
        this.zoneName = zoneName;
        this.query = query;
        this.clock = clock;
        this.createdAt = clock.instant();
        this.expiresAt = expiresAt;
        this.unattendedSince = createdAt;
    }

    public String id() {
        return id;
    }

    /**
     * What other nodes name this session by when they relay records to it: random, and not the
     * id, which is the credential to listen and never leaves this node.
     */
    String relayKey() {
        return relayKey;
    }

    public String zoneId() {
        return zoneId;
    }

    public String zoneName() {
        return zoneName;
    }

    public LiveLogQuery query() {
        return query;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /** Listeners attached now. */
    public int listeners() {
        return listeners.size();
    }

    /** Records sent to listeners (a record sent to two listeners counts twice). */
    public long sentRecords() {
        return sent.get();
    }

    /** Records listeners lost because they read too slowly, or that were lost before the session saw them. */
    public long droppedRecords() {
        return dropped.get();
    }

    /**
     * Attaches a listener, which receives every message from now on.
     *
     * @return what to call when the listener leaves; null when the session has ended
     */
    public Runnable attach(LiveLogListener listener) {
        if (ended) {
            return null;
        }
        Attached attached = new Attached(listener);
        listeners.add(attached);
        unattendedSince = null;
        if (ended) { // ended while attaching: end() may have missed it
            listeners.remove(attached);
            return null;
        }
        return () -> {
            listeners.remove(attached);
            if (listeners.isEmpty()) {
                unattendedSince = clock.instant();
            }
        };
    }

    /** When nobody has listened since; null while someone listens. */
    Instant unattendedSince() {
        return unattendedSince;
    }

    boolean ended() {
        return ended;
    }

    /** A record of the session's zone: kept for the next message when it passes the filter and the sampling. */
    void offer(RequestLog log) {
        if (!query.keeps(log)) {
            return;
        }
        query.appendLine(log, pending);
        pendingRecords++;
        if (pending.length() >= MAX_MESSAGE_CHARS) {
            flush();
        }
    }

    /** NDJSON lines another node relayed (its records that passed this session's filter and sampling there). */
    void offerRelayed(String lines, int records) {
        pending.append(lines);
        pendingRecords += records;
        if (pending.length() >= MAX_MESSAGE_CHARS) {
            flush();
        }
    }

    /** {@code count} records of the zone were lost before the session could see them (the hand-over queue was full). */
    void lost(long count) {
        for (Attached a : listeners) {
            a.droppedSinceLastMessage += count;
        }
        dropped.addAndGet(count);
    }

    /** Sends what was gathered to every listener, as one message. */
    void flush() {
        if (pendingRecords > 0) {
            String message = pending.toString();
            for (Attached a : listeners) {
                a.deliver(message, pendingRecords);
            }
            pending.setLength(0);
            pendingRecords = 0;
        }
        for (Attached a : listeners) {
            a.reportDrops();
        }
    }

    /** Ends the session: every listener's connection is closed with {@code code} and {@code reason}. */
    void end(int code, String reason) {
        ended = true;
        for (Attached a : listeners) {
            a.listener.close(code, reason);
        }
        listeners.clear();
    }

    /** A line that tells a listener how many records it lost, in the stream's own format. */
    static String dropNotice(long count) {
        return "{\"dropped\":" + count + ",\"message\":\"" + count
                + " records were dropped: this listener read too slowly, or records came faster than they could be handed over or relayed from other nodes\"}";
    }

    private final class Attached {
        final LiveLogListener listener;
        /** Touched by the dispatching thread only. */
        long droppedSinceLastMessage;

        Attached(LiveLogListener listener) {
            this.listener = listener;
        }

        void deliver(String message, int records) {
            String text = droppedSinceLastMessage > 0 ? dropNotice(droppedSinceLastMessage) + "\n" + message : message;
            if (listener.send(text)) {
                droppedSinceLastMessage = 0;
                sent.addAndGet(records);
            } else {
                droppedSinceLastMessage += records;
                dropped.addAndGet(records);
            }
        }

        /** Says what was lost even when no record follows, once the listener can take it. */
        void reportDrops() {
            if (droppedSinceLastMessage > 0 && listener.send(dropNotice(droppedSinceLastMessage) + "\n")) {
                droppedSinceLastMessage = 0;
            }
        }
    }
}
