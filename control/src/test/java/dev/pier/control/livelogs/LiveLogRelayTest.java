package dev.pier.control.livelogs;

import static dev.pier.control.livelogs.LiveLogSessionsTest.await;
import static dev.pier.control.livelogs.LiveLogSessionsTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.control.livelogs.LiveLogSessionsTest.Recorder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' live log sessions meeting through one PostgreSQL (127.0.0.1:5432, database
 * {@code test}, a schema of this test's own): a session of one node gets the other node's
 * records that pass its filter, within the relay rate, and is told what was dropped; a session
 * that ends is no longer relayed to; a newer session of the zone on the other node replaces it.
 */
class LiveLogRelayTest {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String ZONE = "relay.test";
    static final LiveLogSessions.Limits SLOW_RELAY = new LiveLogSessions.Limits(Duration.ofHours(1), Duration.ofHours(1), 1024, 5);

    String schema;
    String url;

    @BeforeEach
    void schema() throws Exception {
        schema = "pier_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        url = SERVER + "?user=postgres&currentSchema=" + schema;
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    LiveLogSessions node(LiveLogSessions.Limits limits) {
        return new LiveLogSessions(limits, new PostgresLiveLogPeers(url, null, null));
    }

    static List<String> lines(Recorder r) {
        return r.messages.stream().flatMap(m -> Arrays.stream(m.split("\n"))).filter(l -> !l.isBlank()).toList();
    }

    @Test
    void aSessionGetsTheOtherNodesRecordsThatPassItsFilterAndEndingItStopsTheRelay() throws Exception {
        try (LiveLogSessions a = node(LiveLogSessions.Limits.DEFAULT); LiveLogSessions b = node(LiveLogSessions.Limits.DEFAULT)) {
            LiveLogSession s = a.open("z1", ZONE, LiveLogQuery.of("ClientRequestPath",
                    "{\"where\":{\"key\":\"ClientRequestPath\",\"operator\":\"startsWith\",\"value\":\"/api\"}}", 1));
            Recorder r = new Recorder();
            s.attach(r);
            await(() -> b.relays(ZONE));
            assertThat(a.relays(ZONE)).as("a node does not relay to its own session").isFalse();

            b.accept(record(ZONE, "/api/from-b"));
            b.accept(record(ZONE, "/elsewhere-b"));
            b.accept(record("other.test", "/api/other-zone"));
            a.accept(record(ZONE, "/api/from-a"));
            a.accept(record(ZONE, "/elsewhere-a"));
            await(() -> lines(r).size() >= 2);
            Thread.sleep(500); // anything else would have come by now
            assertThat(lines(r)).containsExactlyInAnyOrder("{\"ClientRequestPath\":\"/api/from-b\"}", "{\"ClientRequestPath\":\"/api/from-a\"}");
            assertThat(b.relayedRecords(ZONE)).containsExactly(1, 0);

            a.close(); // its sessions end, and the other node hears so
            await(() -> !b.relays(ZONE));
            b.accept(record(ZONE, "/api/after-the-end"));
            Thread.sleep(500);
            assertThat(lines(r)).hasSize(2);
            assertThat(r.closed).startsWith("1000 the node is shutting down");
        }
    }

    @Test
    void aNodeRelaysAtMostItsRateAndTheListenerIsToldHowManyWereDropped() throws Exception {
        try (LiveLogSessions a = node(LiveLogSessions.Limits.DEFAULT); LiveLogSessions b = node(SLOW_RELAY)) {
            LiveLogSession s = a.open("z1", ZONE, LiveLogQuery.of("ClientRequestPath", "", 1));
            Recorder r = new Recorder();
            s.attach(r);
            await(() -> b.relays(ZONE));
            for (int i = 0; i < 50; i++) {
                b.accept(record(ZONE, "/r" + i));
            }
            await(() -> lines(r).stream().anyMatch(l -> l.startsWith("{\"dropped\":")));
            Thread.sleep(300);
            List<String> lines = lines(r);
            long records = lines.stream().filter(l -> l.startsWith("{\"ClientRequestPath\"")).count();
            long dropped = lines.stream().filter(l -> l.startsWith("{\"dropped\":"))
                    .mapToLong(l -> Long.parseLong(l.substring(11, l.indexOf(',')))).sum();
            assertThat(records).isBetween(5L, 10L); // 5 a second: one or two seconds' worth
            assertThat(records + dropped).isEqualTo(50);
            assertThat(s.droppedRecords()).isEqualTo(dropped);
        }
    }

    @Test
    void aNewerSessionOfTheZoneOnAnotherNodeReplacesTheSession() throws Exception {
        try (LiveLogSessions a = node(LiveLogSessions.Limits.DEFAULT); LiveLogSessions b = node(LiveLogSessions.Limits.DEFAULT)) {
            LiveLogSession first = a.open("z1", ZONE, LiveLogQuery.of("ClientRequestPath", "", 1));
            Recorder old = new Recorder();
            first.attach(old);
            await(() -> b.relays(ZONE));
            LiveLogSession second = b.open("z1", ZONE, LiveLogQuery.of("ClientRequestPath", "", 1));
            Recorder now = new Recorder();
            second.attach(now);
            await(() -> old.closed != null);
            assertThat(old.closed).isEqualTo("1000 a new live log session of this zone replaced this one");
            assertThat(a.session(first.id())).isEmpty();
            await(() -> a.relays(ZONE));
            a.accept(record(ZONE, "/from-a"));
            await(() -> lines(now).contains("{\"ClientRequestPath\":\"/from-a\"}"));
            assertThat(b.relays(ZONE)).isFalse();
        }
    }

    @Test
    void storesSharingADatabaseDoNotHearEachOther() throws Exception {
        String otherSchema = "pier_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
            c.createStatement().execute("CREATE SCHEMA " + otherSchema);
        }
        try (LiveLogSessions a = node(LiveLogSessions.Limits.DEFAULT); LiveLogSessions b = node(LiveLogSessions.Limits.DEFAULT);
                LiveLogSessions elsewhere = new LiveLogSessions(LiveLogSessions.Limits.DEFAULT,
                        new PostgresLiveLogPeers(SERVER + "?user=postgres&currentSchema=" + otherSchema, null, null))) {
            a.open("z1", ZONE, LiveLogQuery.of("", "", 1));
            await(() -> b.relays(ZONE));
            Thread.sleep(300);
            assertThat(elsewhere.relays(ZONE)).isFalse();
        } finally {
            try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
                c.createStatement().execute("DROP SCHEMA " + otherSchema + " CASCADE");
            }
        }
    }
}
