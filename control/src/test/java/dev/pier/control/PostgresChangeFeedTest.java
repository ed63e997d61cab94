package dev.pier.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The change feed across processes on PostgreSQL: a write committed through one store (another
 * edge node, or the control plane) wakes a follower of another store at once through
 * LISTEN/NOTIFY, without waiting for its poll; a rolled-back write notifies nobody; a listening
 * connection that dies is made again, and what was missed meanwhile is caught up.
 */
class PostgresChangeFeedTest {

    @AfterAll
    static void dropSchemas() throws Exception {
        TestStores.dropSchemas();
    }

    @Test
    void aCommitWakesAFollowerOfAnotherStoreWithoutItsPoll() throws Exception {
        try (Store writer = TestStores.postgres(); Store reader = JdbcStore.postgres(TestStores.lastPostgresUrl(), "postgres", "", TestStores.KEYS)) {
            String zone = writer.createZone("example.com", "test").id();
            BlockingQueue<Long> applied = new LinkedBlockingQueue<>();
            // a poll once an hour: only a notification can bring the change within the test's time
            try (StoreFollower follower = new StoreFollower(reader, reader.lastChange(), Duration.ofHours(1), applied::add)) {
                awaitListening();
                writer.putSettings(zone, Map.of("websockets", "\"off\""), "test");
                long committed = System.nanoTime();
                assertThat(applied.poll(5, TimeUnit.SECONDS)).isEqualTo(writer.lastChange());
                assertThat(Duration.ofNanos(System.nanoTime() - committed)).isLessThan(Duration.ofSeconds(1));

                // the listening connection dies (a database restart, a proxy in between): the
                // listener connects again, catches up on what it missed, and hears the next change
                try (Connection admin = DriverManager.getConnection(TestStores.POSTGRES, "postgres", "")) {
                    ResultSet killed = admin.createStatement().executeQuery(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pier-store-listener "
                                    + ProcessHandle.current().pid() + "'");
                    assertThat(killed.next()).as("the listener's connection").isTrue();
                }
                writer.putSettings(zone, Map.of("websockets", "\"on\""), "missed");
                assertThat(applied.poll(15, TimeUnit.SECONDS)).as("caught up after reconnecting").isEqualTo(writer.lastChange());
                writer.putSettings(zone, Map.of("websockets", "\"off\""), "after");
                assertThat(applied.poll(5, TimeUnit.SECONDS)).as("notified again").isEqualTo(writer.lastChange());
            }
        }
    }

    /** Waits until this process's listening connection has sent its LISTEN (it queries on after it). */
    static void awaitListening() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection admin = DriverManager.getConnection(TestStores.POSTGRES, "postgres", "")) {
            while (true) {
                ResultSet listening = admin.createStatement().executeQuery(
                        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'pier-store-listener " + ProcessHandle.current().pid()
                                + "' AND state = 'idle' AND (query LIKE 'SELECT current_schema()%' OR query = 'SELECT 1')");
                if (listening.next()) {
                    return;
                }
                assertThat(System.nanoTime()).as("the listener connects").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aRolledBackWriteNotifiesNobody() throws Exception {
        try (Store writer = TestStores.postgres(); Store reader = JdbcStore.postgres(TestStores.lastPostgresUrl(), "postgres", "", TestStores.KEYS)) {
            String zone = writer.createZone("example.com", "test").id();
            BlockingQueue<String> calls = new LinkedBlockingQueue<>();
            try (AutoCloseable listening = reader.onChange(() -> calls.add("called"))) {
                assertThat(calls.poll(5, TimeUnit.SECONDS)).as("the catch-up call once connected").isNotNull();
                try {
                    writer.inTransaction(tx -> {
                        tx.putSettings(zone, Map.of("websockets", "\"off\""), "test");
                        throw new IllegalStateException("changed my mind");
                    });
                } catch (IllegalStateException expected) {
                    // rolled back
                }
                assertThat(calls.poll(1, TimeUnit.SECONDS)).as("no call for a rollback").isNull();
                writer.putSettings(zone, Map.of("websockets", "\"off\""), "test");
                assertThat(calls.poll(5, TimeUnit.SECONDS)).as("a call for a commit").isNotNull();
            }
        }
    }
}
