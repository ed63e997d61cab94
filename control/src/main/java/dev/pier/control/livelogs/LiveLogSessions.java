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
 *
 * <p>Among several nodes ({@link LiveLogPeers}), this node announces its sessions (by a relay
 * key, not their id) when they begin, every {@link #ANNOUNCE_EVERY} and when they end; it
 * relays its records of a zone that another node's session watches ({@link RelayedSession}),
 * and takes the records the others relay to its own sessions. All of that runs on the same
 * dispatching thread. A zone has one session among the nodes: the newest wins.
 */
public final class LiveLogSessions implements RequestLogSink, AutoCloseable {

    /**
     * @param lifetime      a session ends this long after it began (Cloudflare's Instant Logs: an hour)
     * @param unattended    a session nobody listens to ends after this long
     * @param queueCapacity records waiting to be dispatched, at most
     */
    public record Limits(Duration lifetime, Duration unattended, int queueCapacity, int relayPerSecond) {
        public static final Limits DEFAULT = new Limits(Duration.ofHours(1), Duration.ofMinutes(5), 16_384, 1_000);

        /** With the default relay rate. */
        public Limits(Duration lifetime, Duration unattended, int queueCapacity) {
            this(lifetime, unattended, queueCapacity, DEFAULT_RELAY_PER_SECOND);
        }
    }

    /** Records a second this node relays to one session of another node, at most. */
    static final int DEFAULT_RELAY_PER_SECOND = 1_000;
    /** How often this node tells the others about its sessions again (one that started later, or missed one, learns them). */
    static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(2);
    /** A session of another node not heard of for this long is forgotten: its node has stopped. */
    static final Duration FORGET_AFTER = Duration.ofSeconds(10);

    /** WebSocket close code when a session ends: its lifetime is over, or a new session of its zone replaced it. */
    public static final int ENDED = 1000;
    private static final String REPLACED = "a new live log session of this zone replaced this one";
    /** How often sessions are checked for their end when no record arrives. */
    private static final long TICK_MILLIS = 200;
    private static final int BATCH = 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveLogSessions.class);

    private final Limits limits;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, LiveLogSession> byId = new ConcurrentHashMap<>();
    private final Map<String, LiveLogSession> byZoneName = new ConcurrentHashMap<>();
    private final Map<String, LiveLogSession> byRelayKey = new ConcurrentHashMap<>();
    /** Sessions of other nodes this node relays its records to, by zone name. */
    private final Map<String, RelayedSession> relayedByZoneName = new ConcurrentHashMap<>();
    private final LiveLogPeers peers;
    /** From the peers' thread to the dispatching one: announcements, and payloads relayed to this node's sessions. */
    private final ArrayBlockingQueue<String[]> heard = new ArrayBlockingQueue<>(1024);
    private final AtomicLong heardLost = new AtomicLong();
    private Instant announced = Instant.EPOCH;
    private final ArrayBlockingQueue<RequestLog> queue;
    private final AtomicLong overflow = new AtomicLong();
    private final AtomicLong overflowTotal = new AtomicLong();
    private final Thread dispatcher;
    private volatile boolean running = true;

    /** The sessions of a node alone. */
    public LiveLogSessions(Limits limits) {
        this(limits, LiveLogPeers.NONE);
    }

    /** The sessions of a node among others: its sessions stream the records of every node that hears {@code peers}. */
    public LiveLogSessions(Limits limits, LiveLogPeers peers) {
        this(limits, Clock.systemUTC(), peers);
    }

    LiveLogSessions(Limits limits, Clock clock) {
        this(limits, clock, LiveLogPeers.NONE);
    }

    LiveLogSessions(Limits limits, Clock clock, LiveLogPeers peers) {
        this.limits = limits;
        this.clock = clock;
        this.peers = peers;
        this.queue = new ArrayBlockingQueue<>(limits.queueCapacity());
        this.dispatcher = Thread.ofPlatform().daemon().name("pier-live-logs").start(this::dispatch);
        peers.start(new LiveLogPeers.Receiver() {
            @Override
            public void announced(String announcement) {
                heard.offer(new String[] {announcement}); // when lost, the next one (within ANNOUNCE_EVERY) says the same
            }

            @Override
            public void relayed(String relayKey, String payload) {
                if (!heard.offer(new String[] {relayKey, payload})) {
                    heardLost.addAndGet(records(payload));
                }
            }
        });
    }

    /** The records of a relayed payload: one a line after its first (the drop count's). */
    private static int records(String payload) {
        int lines = 0;
        for (int i = payload.indexOf('\n') + 1; i > 0 && i < payload.length(); i++) {
            if (payload.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
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
        byte[] key = new byte[16];
        random.nextBytes(key);
        LiveLogSession session = new LiveLogSession(HexFormat.of().formatHex(bits), HexFormat.of().formatHex(key), zoneId, zoneName, query,
                clock, now.plus(limits.lifetime()));
        byId.put(session.id(), session);
        byRelayKey.put(session.relayKey(), session);
        peers.listen(session.relayKey());
        relayedByZoneName.remove(zoneName); // another node's session of the zone, which this one replaces
        LiveLogSession previous = byZoneName.put(zoneName, session);
        if (previous != null) {
            end(previous, REPLACED);
        }
        peers.announce(SessionAnnouncement.live(session).json());
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
        if (zone == null || !byZoneName.containsKey(zone) && !relayedByZoneName.containsKey(zone)) {
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
                    long nowMillis = clock.millis();
                    for (RequestLog log : batch) {
                        LiveLogSession s = byZoneName.get(log.zoneName());
                        if (s != null) {
                            s.offer(log);
                        }
                        RelayedSession r = relayedByZoneName.get(log.zoneName());
                        if (r != null) {
                            r.offer(log, nowMillis, peers);
                        }
                    }
                    batch.clear();
                }
                takeHeard();
                long lost = overflow.getAndSet(0) + heardLost.getAndSet(0);
                for (LiveLogSession s : byZoneName.values()) {
                    if (lost > 0) {
                        s.lost(lost);
                    }
                    s.flush();
                }
                for (RelayedSession r : relayedByZoneName.values()) {
                    r.flush(peers);
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

    /**
     * Ends the sessions whose lifetime is over, and those nobody has listened to for too long;
     * forgets other nodes' sessions that are over or no longer announced; announces this node's.
     */
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
        for (RelayedSession r : relayedByZoneName.values()) {
            if (!now.isBefore(r.announced().expiresAt()) || !now.isBefore(r.lastHeard().plus(FORGET_AFTER))) {
                relayedByZoneName.remove(r.announced().zoneName(), r);
            }
        }
        if (!now.isBefore(announced.plus(ANNOUNCE_EVERY))) {
            announced = now;
            for (LiveLogSession s : byZoneName.values()) {
                peers.announce(SessionAnnouncement.live(s).json());
            }
        }
    }

    /** Applies what the peers heard: other nodes' sessions to relay to, and records relayed to this node's. */
    private void takeHeard() {
        for (String[] what = heard.poll(); what != null; what = heard.poll()) {
            if (what.length == 2) {
                takeRelayed(what[0], what[1]);
                continue;
            }
            SessionAnnouncement a;
            try {
                a = SessionAnnouncement.parse(what[0]);
            } catch (IllegalArgumentException e) {
                LOG.warn("live logs: ignoring {}", e.getMessage());
                continue;
            }
            if (byRelayKey.containsKey(a.relayKey())) {
                continue; // this node's own
            }
            RelayedSession known = relayedByZoneName.get(a.zoneName());
            if (!a.live()) {
                if (known != null && known.relayKey().equals(a.relayKey())) {
                    relayedByZoneName.remove(a.zoneName(), known);
                }
                continue;
            }
            if (known != null && known.relayKey().equals(a.relayKey())) {
                known.heard(clock.instant());
                continue;
            }
            if (known != null && !SessionAnnouncement.newer(a.createdAt(), a.relayKey(), known.announced().createdAt(), known.relayKey())) {
                continue; // a newer session of the zone is known: this one is being replaced
            }
            LiveLogSession local = byZoneName.get(a.zoneName());
            if (local != null) {
                if (!SessionAnnouncement.newer(a.createdAt(), a.relayKey(), local.createdAt(), local.relayKey())) {
                    continue; // this node's session is newer; its next announcement ends the other
                }
                end(local, REPLACED);
            }
            LiveLogQuery query;
            try {
                query = LiveLogQuery.of(a.fields(), a.filter(), a.sample());
            } catch (IllegalArgumentException e) {
                LOG.warn("live logs: cannot relay to a session of zone {} ({})", a.zoneName(), e.getMessage());
                continue;
            }
            relayedByZoneName.put(a.zoneName(), new RelayedSession(a, query, limits.relayPerSecond(), clock.instant()));
        }
    }

    private void takeRelayed(String relayKey, String payload) {
        LiveLogSession s = byRelayKey.get(relayKey);
        int header = payload.indexOf('\n');
        if (s == null || s.ended() || header < 0) {
            return;
        }
        long dropped;
        try {
            dropped = Long.parseLong(payload, 0, header, 10);
        } catch (NumberFormatException e) {
            LOG.warn("live logs: ignoring a relayed payload that does not begin with its drop count: {}", payload.substring(0, header));
            return;
        }
        if (dropped > 0) {
            s.lost(dropped);
        }
        int records = records(payload);
        if (records > 0) {
            s.offerRelayed(payload.substring(header + 1), records);
        }
    }

    /** Whether this node relays the zone's records to a session of another node. */
    boolean relays(String zoneName) {
        return relayedByZoneName.containsKey(zoneName);
    }

    /** Records this node relayed to the other node's session of the zone, and those it dropped instead; zeros when there is none. */
    long[] relayedRecords(String zoneName) {
        RelayedSession r = relayedByZoneName.get(zoneName);
        return r == null ? new long[2] : new long[] {r.relayedRecords(), r.droppedRecords()};
    }

    private void end(LiveLogSession s, String reason) {
        byZoneName.remove(s.zoneName(), s);
        byId.remove(s.id(), s);
        byRelayKey.remove(s.relayKey(), s);
        peers.unlisten(s.relayKey());
        peers.announce(SessionAnnouncement.ended(s).json());
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
        peers.close();
    }
}
