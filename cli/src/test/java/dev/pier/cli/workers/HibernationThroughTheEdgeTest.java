package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.RawWebSocket;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.objects.LiveObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hibernating Durable Object (the example {@code EchoRoom}) through a real edge: its sockets
 * stay open while it is evicted and while new code is deployed, the next message wakes it, and
 * the record and {@code /metrics} of a session count what Cloudflare counts.
 */
class HibernationThroughTheEdgeTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            durable_objects:
              hibernate_after: 300ms
            workers:
              - name: echo-room
                class: dev.pier.examples.workers.EchoRoomWorker
                vars: { BUILD: "%s" }
                durable_objects:
                  - { binding: ECHO, class: dev.pier.examples.workers.EchoRoom }
            zones:
              - name: localhost
                dns_records:
                  - { type: A, name: localhost, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "localhost/room/*", script: echo-room }
            """;

    WorkersNode node;
    TestEdge edge;
    LiveObjects rooms;
    final List<WsClient> clients = new ArrayList<>();

    void start() {
        node = WorkersNode.start(YAML.formatted("1"));
        edge = node.edge;
        rooms = node.namespace("echo-room.ECHO");
    }

    @AfterEach
    void stop() {
        for (WsClient c : clients) {
            c.socket.abort();
        }
        if (node != null) {
            node.close();
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void aDeployWithAThousandHibernatedSocketsOpenDropsNoneAndEachIsAnsweredAfterIt() throws Exception {
        start();
        for (int i = 0; i < 1_000; i++) {
            clients.add(WsClient.connect(edge.ws("/room/lobby")));
        }
        await(() -> rooms.metrics().hibernatedWebSockets() == 1_000, "the room evicted, its 1,000 sockets open");

        edge.reload(YAML.formatted("2")); // the script changed: its Durable Object class is deployed anew
        Thread.sleep(500);
        for (WsClient c : clients) {
            assertThat(c.events).as("nothing closed by the deploy").isEmpty();
        }
        for (int i = 0; i < clients.size(); i++) {
            clients.get(i).socket.sendText("after the deploy " + i, true);
        }
        for (int i = 0; i < clients.size(); i++) {
            assertThat(clients.get(i).next()).isEqualTo("text:after the deploy " + i);
        }
        assertThat(rooms.metrics().webSockets()).isEqualTo(1_000);
        assertThat(rooms.metrics().wakeUps()).as("woken by the first message after the deploy").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aSessionsRecordAndFiguresCountOneRequestPerConnectAndTwentyMessagesPerBilledRequest() throws Exception {
        start();
        WsClient ada = WsClient.connect(edge.ws("/room/kitchen"));
        clients.add(ada);
        for (int i = 0; i < 20; i++) {
            ada.socket.sendText("m" + i, true).join();
            assertThat(ada.next()).isEqualTo("text:m" + i);
        }
        await(() -> rooms.metrics().evictions() == 1, "evicted between messages");
        ada.socket.sendText("wake", true).join();
        assertThat(ada.next()).isEqualTo("text:wake");
        ada.socket.sendClose(1000, "done").join();
        assertThat(ada.next()).isEqualTo("close:1000 done");

        RequestLog log = edge.nextLog();
        assertThat(log.edgeResponseStatus()).isEqualTo(101);
        assertThat(log.workerScriptName()).isEqualTo("echo-room");
        assertThat(log.webSocketClientMessages()).isEqualTo(21);
        assertThat(log.webSocketOriginMessages()).isEqualTo(21);
        assertThat(log.webSocketCloseCode()).isEqualTo(1000);
        assertThat(edge.edge.usage().zone("localhost").requests()).as("one request per connect").isEqualTo(1);
        await(() -> rooms.metrics().webSockets() == 0, "the socket left the room");
        assertThat(edge.edge.usage().scrape())
                .contains("pier_durable_object_requests_total{namespace=\"echo-room.ECHO\"} 1.0")
                .contains("pier_durable_object_websocket_messages_in_total{namespace=\"echo-room.ECHO\"} 21.0")
                .contains("pier_durable_object_billed_requests_total{namespace=\"echo-room.ECHO\"} 2.05")
                .contains("pier_durable_object_evictions_total{namespace=\"echo-room.ECHO\"} 1.0")
                .contains("pier_durable_object_wakeups_total{namespace=\"echo-room.ECHO\"} 1.0")
                .contains("pier_durable_object_constructions_total{namespace=\"echo-room.ECHO\"} 2.0")
                .contains("pier_durable_object_websockets{namespace=\"echo-room.ECHO\"} 0.0");
        assertThat(ada.events.poll(100, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void pingsAreAnsweredByTheEdgeWithoutWakingTheObject() throws Exception {
        start();
        WsClient ada = WsClient.connect(edge.ws("/room/pings"));
        clients.add(ada);
        await(() -> rooms.metrics().evictions() == 1, "evicted");
        long constructions = rooms.metrics().constructions();
        for (int i = 0; i < 10; i++) {
            ada.socket.sendPing(java.nio.ByteBuffer.wrap(("p" + i).getBytes())).join();
            assertThat(ada.next()).isEqualTo("pong:p" + i);
        }
        assertThat(rooms.metrics().constructions()).isEqualTo(constructions);
        assertThat(rooms.metrics().liveObjects()).isZero();
    }

    @Test
    void aFrameThatBreaksTheProtocolFailsTheConnectionAfterTheObjectAnsweredTheMessagesBeforeIt() throws Exception {
        start();
        try (RawWebSocket raw = RawWebSocket.connect(edge.port())) {
            assertThat(raw.handshake("/room/strict")).startsWith("HTTP/1.1 101 ");
            byte[] hello = RawWebSocket.text("hello");
            byte[] reserved = RawWebSocket.frame(true, 0x3, new byte[0]); // opcode 3 is reserved: 1002
            byte[] both = java.util.Arrays.copyOf(hello, hello.length + reserved.length);
            System.arraycopy(reserved, 0, both, hello.length, reserved.length);
            raw.write(both); // one TCP write: the decoder meets the bad frame before the object has run
            RawWebSocket.Frame echo = raw.readFrame();
            assertThat(echo.opcode()).isEqualTo(0x1);
            assertThat(echo.text()).isEqualTo("hello");
            assertThat(raw.readFrame().closeCode()).isEqualTo(1002);
            assertThat(raw.readToEnd()).isZero();
        }
        RequestLog log = edge.nextLog();
        assertThat(log.webSocketCloseCode()).isEqualTo(1002);
        assertThat(log.webSocketClosedBy()).isEqualTo(RequestLog.ClosedBy.edge);
    }

    @Test
    void anIdleObjectWithoutSocketsLeavesMemory() throws Exception {
        start();
        WsClient ada = WsClient.connect(edge.ws("/room/brief"));
        ada.socket.sendClose(1000, "").join();
        assertThat(ada.next()).startsWith("close:1000");
        await(() -> rooms.inMemory() == 0, "forgotten once idle with no socket");
        assertThat(rooms.metrics().evictions()).isEqualTo(1);
    }
}
