package dev.pier.control.livelogs;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogSink;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's live log sessions, one per zone at most, and the sink the edge hands its finished
 * records to.
 *
 * <p>{@link #accept} runs on the edge's event loops: a record of a zone nobody watches is
 * ignored after one map look-up; one of a watched zone is offered to a bounded queue, and when
 * the queue is full it is dropped and counted, never waited for. One thread of this registry
 * takes the records from the queue, offers each to its zone's session, sends what the sessions
 * gathered, and ends sessions past their lifetime or unattended too long.
 *
 * <p>A session's id is 128 random bits: knowing it is what lets a WebSocket listen to it.
 */
public final class LiveLogSessions implements RequestLogSink, AutoCloseable {

    /**
     * @param lifetime      a session ends this long after it began (Cloudflare's Instant Logs: an hour)
     * @param unattended    a session nobody listens to ends after this long
     * @param queueCapacity records waiting to be dispatched, at most
     */
    public record Limits(Duration lifetime, Duration unattended, int queueCapacity) {
        public static final Limits DEFAULT = new Limits(Duration.ofHours(1), Duration.ofMinutes(5), 16_384);
    }

    /** WebSocket close code when a session ends: its lifetime is over, or a new session of its zone replaced it. */
    public static final int ENDED = 1000;
    /** How often sessions are checked for their end when no record arrives. */
    private static final long TICK_MILLIS = 200;
    private static final int BATCH = 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveLogSessions.class);

    private final Limits limits;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, LiveLogSession> byId = new ConcurrentHashMap<>();
    private final Map<String, LiveLogSession> byZoneName = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<RequestLog> queue;
    private final AtomicLong overflow = new AtomicLong();
    private final AtomicLong overflowTotal = new AtomicLong();
    private final Thread dispatcher;
    private volatile boolean running = true;

    public LiveLogSessions(Limits limits) {
        this(limits, Clock.systemUTC());
    }

    LiveLogSessions(Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(limits.queueCapacity());
        this.dispatcher = Thread.ofPlatform().daemon().name("pier-live-logs").start(this::dispatch);
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Begins a session for a zone. A session the zone had already ends (its listeners are closed
     * with {@link #ENDED} and a reason saying so): a zone has one session at a time.
     */
    public LiveLogSession open(String zoneId, String zoneName, LiveLogQuery query) {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        Instant now = clock.instant();
        LiveLogSession session = new LiveLogSession(HexFormat.of().formatHex(bits), zoneId, zoneName, query, clock,
                now.plus(limits.lifetime()));
        byId.put(session.id(), session);
        LiveLogSession previous = byZoneName.put(zoneName, session);
        if (previous != null) {
            byId.remove(previous.id());
            previous.end(ENDED, "a new live log session of this zone replaced this one");
        }
        return session;
    }

    /** The session with this id, while it lives. */
    public Optional<LiveLogSession> session(String id) {
        LiveLogSession s = id == null ? null : byId.get(id);
        return s == null || s.ended() ? Optional.empty() : Optional.of(s);
    }

    /** The zone's session, as a list (Cloudflare's listing shape): empty or one. */
    public List<LiveLogSession> sessions(String zoneId) {
        List<LiveLogSession> out = new ArrayList<>();
        for (LiveLogSession s : byId.values()) {
            if (s.zoneId().equals(zoneId) && !s.ended()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Records dropped since the start because the hand-over queue was full. */
    public long overflowedRecords() {
        return overflowTotal.get();
    }

    @Override
    public void accept(RequestLog log) {
        String zone = log.zoneName();
        if (zone == null || byZoneName.isEmpty() || !byZoneName.containsKey(zone)) {
            return;
        }
        if (!queue.offer(log)) {
            overflow.incrementAndGet();
            overflowTotal.incrementAndGet();
        }
    }

    private void dispatch() {
        List<RequestLog> batch = new ArrayList<>(BATCH);
        while (running) {
            try {
                RequestLog first = queue.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    for (RequestLog log : batch) {
                        LiveLogSession s = byZoneName.get(log.zoneName());
                        if (s != null) {
                            s.offer(log);
                        }
                    }
                    batch.clear();
                }
                long lost = overflow.getAndSet(0);
                for (LiveLogSession s : byZoneName.values()) {
                    if (lost > 0) {
                        s.lost(lost);
                    }
                    s.flush();
                }
                sweep();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("live logs: dispatching failed; records of this round are lost", e);
                batch.clear();
            }
        }
    }

    /** Ends the sessions whose lifetime is over, and those nobody has listened to for too long. */
    private void sweep() {
        Instant now = clock.instant();
        for (LiveLogSession s : byZoneName.values()) {
            Instant unattended = s.unattendedSince();
            if (!now.isBefore(s.expiresAt())) {
                end(s, "the live log session is over (sessions last " + limits.lifetime().toMinutes() + " minutes); create a new one");
            } else if (unattended != null && !now.isBefore(unattended.plus(limits.unattended()))) {
                end(s, "nobody listened");
            }
        }
    }

    private void end(LiveLogSession s, String reason) {
        byZoneName.remove(s.zoneName(), s);
        byId.remove(s.id(), s);
        s.end(ENDED, reason);
    }

    /** Ends every session and stops dispatching. */
    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        try {
            dispatcher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LiveLogSession s : List.copyOf(byZoneName.values())) {
            end(s, "the node is shutting down");
        }
    }
}
