package dev.pier.workers.runtime.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.runtime.storage.LeaseLostException;
import dev.pier.workers.runtime.storage.ObjectStore;
import dev.pier.workers.runtime.storage.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Objects of two nodes that share a PostgreSQL storage (two namespaces on two stores of one schema,
 * each with its own {@link NodeLeases}), without edges: the node that holds an object's lease runs
 * it; a node that did not renew in time loses it, and its event's commit writes nothing; a node
 * that finds it lost an object closes the object's WebSockets with 1012; an object that leaves
 * memory gives its lease up. Neither node can send the other a request here (no address): a request
 * for an object the other holds waits until that hold could have run out.
 */
class NodeLeasesTest {

    static final String NAMESPACE = "test.Box";
    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();
    static volatile CountDownLatch hold = new CountDownLatch(0);
    static final CountDownLatch held = new CountDownLatch(1);

    /**
     * "/put/V" stores V (with "/slow/V", after waiting for the test); "/get" answers what is stored;
     * "/alarm/MILLIS" sets its alarm, which stores "alarmed"; "/ws" a WebSocket.
     */
    public static final class Box implements DurableObject {
        private final DurableObjectState state;

        public Box(DurableObjectState state, Env env) {
            this.state = state;
            CONSTRUCTIONS.incrementAndGet();
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            String[] path = request.path().split("/");
            switch (path[1]) {
                case "put" -> state.storage().putString("value", path[2]);
                case "slow" -> {
                    state.storage().putString("value", path[2]);
                    held.countDown();
                    try {
                        hold.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                case "alarm" -> state.storage().setAlarm(System.currentTimeMillis() + Long.parseLong(path[2]));
                case "ws" -> {
                    WebSocketPair pair = new WebSocketPair();
                    state.acceptWebSocket(pair.server());
                    return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
                }
                default -> {
                }
            }
            return CompletableFuture.completedFuture(new Response(String.valueOf(state.storage().getString("value"))));
        }

        @Override
        public CompletionStage<Void> alarm(AlarmInfo info) {
            state.storage().putString("value", "alarmed");
            return CompletableFuture.completedFuture(null);
        }
    }

    final String schema = TestPostgres.newSchema();
    final ObjectStore storeA = TestPostgres.open(schema);
    final ObjectStore storeB = TestPostgres.open(schema);
    NodeLeases leasesA;
    NodeLeases leasesB;
    LiveObjects nodeA;
    LiveObjects nodeB;

    @AfterEach
    void stop() throws Exception {
        hold.countDown();
        for (LiveObjects node : new LiveObjects[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        for (NodeLeases leases : new NodeLeases[] {leasesA, leasesB}) {
            if (leases != null) {
                leases.close();
            }
        }
        storeA.close();
        storeB.close();
        TestPostgres.drop(schema);
    }

    LiveObjects node(ObjectStore store, NodeLeases leases, Duration hibernateAfter) {
        return new LiveObjects(NAMESPACE, Box.class, Env.of(Map.of()), store, hibernateAfter, leases);
    }

    static String text(LiveObjects node, DurableObjectId id, String path) {
        return node.fetch(id, Request.get("https://box" + path)).toCompletableFuture().join().text();
    }

    @Test
    void aCommitAfterTheLeaseWasTakenOverFailsAndWritesNothing() throws Exception {
        // A renews far less often than its leases last: a node paused past its lease
        leasesA = new NodeLeases(storeA.leases().orElseThrow(), null, null, Duration.ofMillis(300), Duration.ofHours(1));
        leasesB = new NodeLeases(storeB.leases().orElseThrow(), null, null, Duration.ofSeconds(10));
        nodeA = node(storeA, leasesA, Duration.ofSeconds(10));
        nodeB = node(storeB, leasesB, Duration.ofSeconds(10));
        DurableObjectId id = new Namespace(nodeA).idFromName("box");
        assertThat(text(nodeA, id, "/put/1")).isEqualTo("1");
        int constructed = CONSTRUCTIONS.get();

        hold = new CountDownLatch(1);
        CompletableFuture<Response> slow = nodeA.fetch(id, Request.get("https://box/slow/2"));
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(400); // A's lease runs out while its event runs
        assertThat(text(nodeB, id, "/get")).as("B took the object over, with what A committed").isEqualTo("1");
        assertThat(CONSTRUCTIONS.get()).isEqualTo(constructed + 1);
        hold.countDown();

        assertThatThrownBy(slow::join).hasRootCauseInstanceOf(LeaseLostException.class);
        assertThat(text(nodeB, id, "/get")).as("A's refused commit wrote nothing").isEqualTo("1");
        assertThat(nodeA.inMemory()).as("A dropped the object it lost").isZero();
        assertThat(leasesA.held()).isZero();
        assertThat(nodeA.metrics().resets()).isEqualTo(1);
    }

    @Test
    void aNodeThatFindsItLostAnObjectClosesItsWebSocketsWith1012AndRunsNoMoreOfIt() throws Exception {
        leasesA = new NodeLeases(storeA.leases().orElseThrow(), null, null, Duration.ofMillis(600));
        nodeA = node(storeA, leasesA, Duration.ofSeconds(10));
        DurableObjectId id = new Namespace(nodeA).idFromName("box");
        WebSocket client = nodeA.fetch(id, Request.get("https://box/ws")).toCompletableFuture().join().webSocket();
        BlockingQueue<String> toClient = new LinkedBlockingQueue<>();
        WebSocket.Host.attach(client, new WebSocket.Transport() {
            @Override
            public void send(String text) {
                toClient.add(text);
            }

            @Override
            public void send(byte[] bytes) {
                toClient.add("binary");
            }

            @Override
            public void close(int code, String reason) {
                toClient.add("close " + code + " " + reason);
            }
        });
        Thread.sleep(700);
        assertThat(leasesA.held()).as("renewed while it runs, past its first term").isEqualTo(1);
        assertThat(toClient).isEmpty();

        // another node takes the lease over, as one would after A was too slow to renew it
        sql("UPDATE " + schema + "._pier_do_leases SET owner = 'elsewhere', token = nextval('" + schema + "._pier_do_lease_tokens')");
        assertThat(toClient.poll(5, TimeUnit.SECONDS)).isEqualTo("close 1012 the Durable Object moved to another node");
        // the renewal thread drops the object from memory while the object's own thread closes its sockets
        HibernationTest.await(() -> nodeA.inMemory() == 0, "the object left A's memory");
        assertThat(leasesA.held()).isZero();
        WebSocket.Host.received(client, "after");
        assertThat(toClient.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void anObjectThatLeavesMemoryGivesItsLeaseUpSoAnotherNodeRunsItAtOnce() throws Exception {
        leasesA = new NodeLeases(storeA.leases().orElseThrow(), null, null, Duration.ofSeconds(30));
        leasesB = new NodeLeases(storeB.leases().orElseThrow(), null, null, Duration.ofSeconds(30));
        nodeA = node(storeA, leasesA, Duration.ofMillis(100));
        nodeB = node(storeB, leasesB, Duration.ofSeconds(10));
        DurableObjectId id = new Namespace(nodeA).idFromName("box");
        assertThat(text(nodeA, id, "/put/a")).isEqualTo("a");
        assertThat(leases()).isEqualTo(1);
        for (int i = 0; i < 100 && nodeA.inMemory() > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(nodeA.inMemory()).as("evicted and forgotten").isZero();
        assertThat(leases()).as("its lease given up").isZero();
        long started = System.nanoTime();
        assertThat(text(nodeB, id, "/put/b")).isEqualTo("b");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("without waiting for A's 30 s lease").isLessThan(Duration.ofSeconds(5));
        leasesB.close();
        assertThat(leases()).as("a node that stops gives up every lease").isZero();
    }

    @Test
    void anAlarmOfANodeThatDiedGoesOffOnAnotherOnceTheLeaseRanOut() throws Exception {
        leasesB = new NodeLeases(storeB.leases().orElseThrow(), null, null, Duration.ofMillis(500));
        nodeB = node(storeB, leasesB, Duration.ofSeconds(10)); // started before the alarm is set: it has no timer for it
        leasesA = new NodeLeases(storeA.leases().orElseThrow(), null, null, Duration.ofMillis(500), Duration.ofHours(1));
        nodeA = node(storeA, leasesA, Duration.ofSeconds(10));
        DurableObjectId id = new Namespace(nodeA).idFromName("box");
        assertThat(text(nodeA, id, "/alarm/1500")).isEqualTo("null");
        nodeA.close(); // A dies before its alarm: its timers stop, and it gives nothing up
        nodeA = null;
        String value = stored(id);
        for (int i = 0; i < 200 && !"alarmed".equals(value); i++) {
            Thread.sleep(50);
            value = stored(id);
        }
        assertThat(value).as("B found the due alarm and claimed the object for it").isEqualTo("alarmed");
        assertThat(nodeB.metrics().constructions()).isEqualTo(1);
    }

    /** The object's "value", read from the storage as any node would. */
    private String stored(DurableObjectId id) {
        byte[] value = storeB.open(NAMESPACE, id.toString()).get("value");
        return value == null ? null : new String(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private int leases() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + "._pier_do_leases")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement s = c.createStatement()) {
            assertThat(s.executeUpdate(statement)).isEqualTo(1);
        }
    }
}
