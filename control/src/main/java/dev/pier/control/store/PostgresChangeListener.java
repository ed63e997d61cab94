package dev.pier.control.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's LISTEN/NOTIFY as a wake-up call: every write of a {@link JdbcStore} on PostgreSQL
 * notifies {@value #CHANNEL} with its schema when it commits, and this listener, on a connection
 * of its own, calls back at once for its schema's notifications. It is a hint, not the truth:
 * a notification sent while the listener was reconnecting is lost, so it calls back after every
 * (re)connection too, and followers still poll the store's version.
 */
final class PostgresChangeListener implements AutoCloseable {

    static final String CHANNEL = "pier_changes";
    /** How the listening connection names itself in pg_stat_activity: which process of which host listens. */
    static final String APPLICATION_NAME = "pier-store-listener " + ProcessHandle.current().pid();
    /** How often a quiet listening connection is checked: a connection that died silently sends no error. */
    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeListener.class);

    private final String url;
    private final Properties credentials = new Properties();
    private final Runnable listener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    PostgresChangeListener(String url, String user, String password, Runnable listener) {
        this.url = url;
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        credentials.setProperty("ApplicationName", APPLICATION_NAME);
        credentials.setProperty("tcpKeepAlive", "true");
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name("pier-store-listener").start(this::run);
    }

    private void run() {
        boolean failing = false;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, credentials)) {
                connection = c;
                String schema;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                    try (ResultSet rs = s.executeQuery("SELECT current_schema()")) {
                        rs.next();
                        schema = rs.getString(1);
                    }
                }
                if (failing) {
                    LOG.info("store: listening for changes again");
                    failing = false;
                }
                listener.run(); // whatever was committed while this was not listening
                PGConnection pg = c.unwrap(PGConnection.class);
                long checked = System.nanoTime();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1_000);
                    if (notifications != null && mine(notifications, schema)) {
                        listener.run();
                    }
                    if (System.nanoTime() - checked > CHECK_NANOS) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1"); // fails on a dead connection, which is then made again
                        }
                        checked = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    LOG.warn("store: not listening for changes ({}); following by polling until it can again", e.getMessage());
                    failing = true;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private static boolean mine(PGNotification[] notifications, String schema) {
        for (PGNotification n : notifications) {
            if (schema.equals(n.getParameter())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Connection c = connection;
        if (c != null) {
            try {
                c.close(); // ends a getNotifications wait at once
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
