package dev.pier.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.analytics.LiveWebSocket;
import dev.pier.analytics.NodeWebSockets;
import dev.pier.analytics.OpenWebSocket;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogBuilder;
import dev.pier.analytics.UsageRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (and a third that dies) publishing their open WebSockets to one PostgreSQL: each
 * answers for every node, with its own figures of now and the others' of their last round; a
 * node that closes takes its rows away, and one that stops publishing drops out after the expiry.
 */
class PostgresLiveWebSocketsTest {

    private static final Duration EVERY = Duration.ofMillis(200);
    private static final Duration EXPIRE = Duration.ofMillis(1500);

    private final String schema = TestPostgres.newSchema();
    private final UsageRegistry usageA = new UsageRegistry();
    private final UsageRegistry usageB = new UsageRegistry();
    private PostgresLiveWebSockets a;
    private PostgresLiveWebSockets b;

    /** A connection as the edge keeps one: its upgrade's record and counters that grow. */
    static final class Socket implements OpenWebSocket {
        final RequestLogBuilder record = RequestLog.builder();
        volatile long clientMessages;
        volatile long originMessages;

        Socket(String rayId, String host, String uri) {
            record.rayId(rayId).clientIp("192.0.2.7").clientRequestHost(host).clientRequestUri(uri)
                    .edgeStartTimestamp(Instant.now().truncatedTo(ChronoUnit.MILLIS)).clientRequestBytes(200).edgeResponseBytes(150);
        }

        @Override
        public RequestLogBuilder record() {
            return record;
        }

        @Override
        public long clientMessages() {
            return clientMessages;
        }

        @Override
        public long originMessages() {
            return originMessages;
        }

        @Override
        public long clientRequestBytes() {
            return 200 + clientMessages * 16;
        }

        @Override
        public long edgeResponseBytes() {
            return 150 + originMessages * 12;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        TestPostgres.drop(schema);
    }

    private PostgresLiveWebSockets start(String node, UsageRegistry usage) {
        return PostgresLiveWebSockets.start(TestPostgres.URL, schema, new NodeWebSockets(node, usage), EVERY, EXPIRE);
    }

    @Test
    void eachNodeAnswersForEveryNodeAndANodeThatLeavesOrDiesDropsOut() throws Exception {
        Socket a1 = open(usageA, "chat.example", "a1", "/room/1?token=x");
        Socket a2 = open(usageA, "chat.example", "a2", "/room/2");
        open(usageA, "other.example", "a3", "/");
        Socket b1 = open(usageB, "chat.example", "b1", "/room/1");
        Socket b2 = open(usageB, "chat.example", "b2", "/room/9");
        a1.clientMessages = 3;
        b1.clientMessages = 5;
        b1.originMessages = 6;
        a = start("node-a", usageA);
        b = start("node-b", usageB);

        List<LiveWebSocket> seenByA = await(a, "chat.example", open -> open.size() == 4);
        assertThat(seenByA).extracting(LiveWebSocket::rayId).containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
        LiveWebSocket fromB = byRay(seenByA, "b1");
        assertThat(fromB).isEqualTo(new LiveWebSocket("node-b", "chat.example", "b1", "192.0.2.7", "chat.example", "/room/1",
                b1.record.edgeStartTimestamp(), 5, 6, 200 + 5 * 16, 150 + 6 * 12));
        assertThat(byRay(seenByA, "a1").node()).isEqualTo("node-a");
        assertThat(byRay(seenByA, "a1").path()).isEqualTo("/room/1");
        assertThat(await(b, "chat.example", open -> open.size() == 4)).extracting(LiveWebSocket::node)
                .containsExactlyInAnyOrder("node-a", "node-a", "node-b", "node-b");
        assertThat(a.open("other.example")).extracting(LiveWebSocket::rayId).containsExactly("a3");

        // this node's own figures are those of now; the other node's, of its last round
        a1.clientMessages = 10;
        assertThat(byRay(a.open("chat.example"), "a1").clientMessages()).isEqualTo(10);
        b1.clientMessages = 40;
        assertThat(byRay(await(a, "chat.example", open -> byRay(open, "b1").clientMessages() == 40), "b1").clientRequestBytes())
                .isEqualTo(200 + 40 * 16);

        // a WebSocket that closes on node B vanishes from A's answer after B's next round
        usageB.zone("chat.example").unregisterOpen(b2);
        assertThat(await(a, "chat.example", open -> open.size() == 3)).extracting(LiveWebSocket::rayId)
                .containsExactlyInAnyOrder("a1", "a2", "b1");

        // a node that stops takes its rows with it at once
        b.close();
        b = null;
        assertThat(a.open("chat.example")).extracting(LiveWebSocket::rayId).containsExactlyInAnyOrder("a1", "a2");

        // a node that dies leaves its rows behind: they count until they expire, then go
        UsageRegistry usageC = new UsageRegistry();
        open(usageC, "chat.example", "c1", "/room/3");
        PostgresLiveWebSockets c = start("node-c", usageC);
        await(a, "chat.example", open -> open.size() == 3);
        c.abandon();
        Instant abandoned = Instant.now();
        await(a, "chat.example", open -> open.size() == 2);
        assertThat(Duration.between(abandoned, Instant.now())).isLessThan(EXPIRE.plusSeconds(5));
        awaitRows("node-c", 0); // deleted by node A's rounds
        usageA.zone("chat.example").unregisterOpen(a2);
        assertThat(a.open("chat.example")).extracting(LiveWebSocket::rayId).containsExactly("a1");
    }

    @Test
    void aNodeWhoseDatabaseIsAwayStartsAndItsQueriesSaySo() {
        open(usageA, "chat.example", "a1", "/");
        a = PostgresLiveWebSockets.start("jdbc:postgresql://127.0.0.1:1/test?user=postgres&connectTimeout=1", schema,
                new NodeWebSockets("node-a", usageA), EVERY, EXPIRE);
        assertThatThrownBy(() -> a.open("chat.example")).isInstanceOf(AnalyticsStoreException.class)
                .hasMessageContaining("the other nodes' open WebSockets cannot be read");
    }

    private static Socket open(UsageRegistry usage, String zone, String rayId, String uri) {
        Socket socket = new Socket(rayId, zone, uri);
        usage.zone(zone).registerOpen(socket);
        return socket;
    }

    private static List<LiveWebSocket> await(PostgresLiveWebSockets node, String zone, Predicate<List<LiveWebSocket>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<LiveWebSocket> open = node.open(zone);
            if (done.test(open)) {
                return open;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + open + " after 10 s");
            }
            Thread.sleep(50);
        }
    }

    private void awaitRows(String node, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Connection c = DriverManager.getConnection(TestPostgres.URL); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".live_websockets WHERE node = '" + node + "'")) {
                rs.next();
                if (rs.getInt(1) == expected) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + node + " still has rows after 10 s");
            }
            Thread.sleep(100);
        }
    }

    private static LiveWebSocket byRay(List<LiveWebSocket> open, String rayId) {
        return open.stream().filter(ws -> ws.rayId().equals(rayId)).findFirst().orElseThrow(() -> new AssertionError(rayId + " not in " + open));
    }
}
