package dev.pier.control.livelogs;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of one PostgreSQL store, as live log peers: PostgreSQL's NOTIFY carries both the
 * announcements (channel {@value #SESSIONS}, each payload prefixed with the store's schema, so
 * stores sharing a database do not hear each other) and relayed records (channel
 * {@code pier_live_KEY} of each session, which only its node LISTENs to). Nothing is written to
 * a table: a session lives in its node's memory, and the others know it while it is announced.
 *
 * <p>Two threads, each on a connection of its own: one sends what is queued ({@code SELECT
 * pg_notify(...)}), one listens. Both reconnect after a failure; what was queued while the
 * database was away is dropped (and counted by the caller when {@link #relay} refuses it).
 */
public final class PostgresLiveLogPeers implements LiveLogPeers {

    static final String SESSIONS = "pier_live_sessions";
    private static final String RELAY_PREFIX = "pier_live_";
    private static final int OUTGOING = 256;
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLiveLogPeers.class);

    private final String url;
    private final Properties properties = new Properties();
    private final ArrayBlockingQueue<String[]> outgoing = new ArrayBlockingQueue<>(OUTGOING);
    private final Set<String> listening = ConcurrentHashMap.newKeySet();
    private volatile Receiver receiver;
    private volatile boolean running = true;
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private Thread sender;
    private Thread listener;

    /**
     * @param url the store's JDBC URL (user and password as its parameters, or {@code user} and
     *            {@code password} here when not null)
     */
    public PostgresLiveLogPeers(String url, String user, String password) {
        this.url = url;
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "pier-live-logs " + ProcessHandle.current().pid());
        properties.setProperty("tcpKeepAlive", "true");
    }

    @Override
    public synchronized void start(Receiver receiver) {
        if (this.receiver != null) {
            throw new IllegalStateException("live log peers: already started");
        }
        this.receiver = receiver;
        sender = Thread.ofPlatform().daemon().name("pier-live-logs-send").start(this::send);
        listener = Thread.ofPlatform().daemon().name("pier-live-logs-listen").start(this::listen);
    }

    @Override
    public void announce(String announcement) {
        if (RelayedSession.utf8Length(announcement) > MAX_PAYLOAD_BYTES - 64) { // 64: room for the schema's name
            LOG.warn("live logs: a session's announcement is too long for PostgreSQL's NOTIFY ({} characters); other nodes do not relay"
                    + " to it", announcement.length());
            return;
        }
        outgoing.offer(new String[] {SESSIONS, announcement});
    }

    @Override
    public void listen(String relayKey) {
        listening.add(channel(relayKey));
    }

    @Override
    public void unlisten(String relayKey) {
        listening.remove(channel(relayKey));
    }

    @Override
    public boolean relay(String relayKey, String payload) {
        return outgoing.offer(new String[] {channel(relayKey), payload});
    }

    private static String channel(String relayKey) {
        if (!relayKey.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("relay key: " + relayKey + " (expected: 32 hexadecimal digits)");
        }
        return RELAY_PREFIX + relayKey;
    }

    private String schemaOf(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void send() {
        while (running) {
            try (Connection c = DriverManager.getConnection(url, properties);
                    PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                String schema = schemaOf(c);
                recovered("sending");
                while (running) {
                    String[] next = outgoing.poll(200, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        send(c, notify, schema, next);
                    }
                }
                // closing: what was queued before (the sessions' last announcements) still goes
                for (String[] next = outgoing.poll(); next != null; next = outgoing.poll()) {
                    send(c, notify, schema, next);
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                if (pause("sending", e)) {
                    return;
                }
            }
        }
    }

    private static void send(Connection c, PreparedStatement notify, String schema, String[] next) throws SQLException {
        notify.setString(1, next[0]);
        notify.setString(2, next[0].equals(SESSIONS) ? schema + "\n" + next[1] : next[1]);
        try {
            notify.execute();
        } catch (SQLException e) {
            if (!c.isValid(1)) {
                throw e;
            }
            // the connection is fine: only this payload was refused (too long for NOTIFY)
            LOG.warn("live logs: PostgreSQL refused a notification on {} ({})", next[0], e.getMessage());
        }
    }

    private void listen() {
        while (running) {
            Set<String> listened = new HashSet<>();
            try (Connection c = DriverManager.getConnection(url, properties); Statement s = c.createStatement()) {
                String mine = schemaOf(c);
                s.execute("LISTEN " + SESSIONS);
                recovered("listening");
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    for (String channel : listening) {
                        if (listened.add(channel)) {
                            s.execute("LISTEN " + channel);
                        }
                    }
                    for (String channel : Set.copyOf(listened)) {
                        if (!listening.contains(channel)) {
                            s.execute("UNLISTEN " + channel);
                            listened.remove(channel);
                        }
                    }
                    PGNotification[] notifications = pg.getNotifications(100);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            hear(n, mine);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (pause("listening", e)) {
                    return;
                }
            }
        }
    }

    private void hear(PGNotification n, String mine) {
        String payload = n.getParameter();
        if (n.getName().equals(SESSIONS)) {
            int end = payload.indexOf('\n');
            if (end > 0 && payload.regionMatches(0, mine, 0, end) && end == mine.length()) {
                receiver.announced(payload.substring(end + 1));
            }
        } else if (n.getName().startsWith(RELAY_PREFIX)) {
            receiver.relayed(n.getName().substring(RELAY_PREFIX.length()), payload);
        }
    }

    /** @return whether to stop: closing, or interrupted while waiting to reconnect */
    private boolean pause(String what, Exception e) {
        if (!running) {
            return true;
        }
        if (failing.add(what)) {
            LOG.warn("live logs: not {} to other nodes ({}); trying again every second", what, e.getMessage());
        }
        outgoing.clear();
        try {
            Thread.sleep(1_000);
            return false;
        } catch (InterruptedException interrupted) {
            return true;
        }
    }

    private void recovered(String what) {
        if (failing.remove(what)) {
            LOG.info("live logs: {} to other nodes again", what);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            if (listener != null) {
                listener.interrupt();
                listener.join(2_000);
            }
            if (sender != null) {
                sender.join(2_000); // it sends what is queued, then stops; interrupted only when it takes too long
                sender.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
