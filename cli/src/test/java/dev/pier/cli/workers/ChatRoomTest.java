package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.objects.ObjectMetrics;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The example chat room through a real edge and the Workers runtime: a Durable Object per room
 * whose members' WebSockets are hibernatable; it sends every message to every member in order
 * with its sender's name, tells who joins and leaves, and replays what it stored to whoever
 * joins, after a restart too; names live in the sockets' attachments and tags, so they outlive
 * the room's eviction.
 */
class ChatRoomTest {

    /** The chat, its rooms evicted after {@code hibernateAfter} idle; a rate limit no test here reaches. */
    static String yaml(String hibernateAfter) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                request_log: requests.ndjson
                workers:
                  - name: chat
                    class: dev.pier.examples.workers.ChatWorker
                    durable_objects:
                      - { binding: ROOMS, class: dev.pier.examples.workers.ChatRoom }
                      - { binding: LIMITERS, class: dev.pier.examples.workers.RateLimiter }
                    vars: { RATE_LIMIT: "1000/1s" }
                durable_objects:
                  storage: durable-objects
                  hibernate_after: %s
                zones:
                  - name: localhost
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/chat/*", script: chat }
                """.formatted(hibernateAfter);
    }

    WorkersNode node;
    TestEdge edge;

    TestEdge start(String yaml) {
        node = WorkersNode.start(yaml);
        edge = node.edge;
        return edge;
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** Joins {@code room} as {@code name} and takes the history and the join notice the member hears first. */
    WsClient join(String room, String name, int history) throws Exception {
        WsClient member = WsClient.connect(edge.ws("/chat/" + room + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)));
        for (int i = 0; i < history; i++) {
            assertThat(member.next()).startsWith("text:").doesNotStartWith("text:* ");
        }
        assertThat(member.next()).isEqualTo("text:* " + name + " joined");
        return member;
    }

    @Test
    void everyMemberHearsEveryMessageInTheRoomsOrderWithItsSendersNameAndANewcomerHearsTheHistory() throws Exception {
        start(yaml("10s"));
        WsClient alice = join("lobby", "alice", 0);
        WsClient bob = join("lobby", "bob", 0);
        assertThat(alice.next()).isEqualTo("text:* bob joined");
        WsClient eve = join("kitchen", "eve", 0);
        for (int i = 1; i <= 20; i++) {
            (i % 2 == 0 ? alice : bob).socket.sendText("message " + i, true).join();
        }
        // Two connections race to the room: the room's order is the order it received them, the same for every member.
        List<String> heardByAlice = new ArrayList<>();
        List<String> heardByBob = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            heardByAlice.add(alice.next());
            heardByBob.add(bob.next());
        }
        assertThat(heardByBob).isEqualTo(heardByAlice);
        assertThat(heardByAlice).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 20).mapToObj(i -> "text:" + (i % 2 == 0 ? "alice" : "bob") + ": message " + i).toList());
        assertThat(heardByAlice.stream().filter(m -> m.startsWith("text:alice: ")).toList())
                .as("one member's messages in the order it sent them")
                .isEqualTo(IntStream.rangeClosed(1, 10).mapToObj(i -> "text:alice: message " + 2 * i).toList());

        WsClient carol = WsClient.connect(edge.ws("/chat/lobby?name=carol"));
        List<String> replayed = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            replayed.add(carol.next());
        }
        assertThat(replayed).as("the history, replayed to a newcomer").isEqualTo(heardByAlice);
        assertThat(carol.next()).isEqualTo("text:* carol joined");
        assertThat(alice.next()).isEqualTo("text:* carol joined");
        assertThat(bob.next()).isEqualTo("text:* carol joined");

        eve.socket.sendText("only in the kitchen", true).join();
        assertThat(eve.next()).isEqualTo("text:eve: only in the kitchen");
        assertThat(alice.events.poll(300, TimeUnit.MILLISECONDS)).as("another room's message").isNull();

        bob.socket.sendClose(1000, "bye").join();
        assertThat(bob.next()).isEqualTo("close:1000 bye");
        assertThat(alice.next()).isEqualTo("text:* bob left");
        assertThat(carol.next()).isEqualTo("text:* bob left");
        alice.socket.sendClose(1000, "bye").join();
        assertThat(alice.next()).isEqualTo("close:1000 bye");
        assertThat(carol.next()).isEqualTo("text:* alice left");
        for (WsClient c : List.of(carol, eve)) {
            c.socket.sendClose(1000, "bye").join();
            assertThat(c.next()).isEqualTo("close:1000 bye");
        }
    }

    @Test
    void aRoomRemembersItsConversationAfterARestart() throws Exception {
        start(yaml("10s"));
        WsClient alice = join("lobby", "alice", 0);
        alice.socket.sendText("before the restart", true).join();
        assertThat(alice.next()).isEqualTo("text:alice: before the restart");
        node = node.restart(yaml("10s"));
        edge = node.edge;
        WsClient later = WsClient.connect(edge.ws("/chat/lobby"));
        assertThat(later.next()).isEqualTo("text:alice: before the restart");
        assertThat(later.next()).as("a member who gives no name").isEqualTo("text:* anonymous-1 joined");
    }

    @Test
    void namesLiveInTheSocketsSoTheyOutliveTheRoomsEviction() throws Exception {
        start(yaml("200ms"));
        WsClient ada = join("lobby", "ada", 0);
        WsClient bob = join("lobby", "bob", 0);
        assertThat(ada.next()).isEqualTo("text:* bob joined");
        ObjectMetrics rooms = node.namespace("chat.ROOMS").metrics();
        awaitEvicted(rooms);
        assertThat(rooms.hibernatedWebSockets()).as("its members still connected").isEqualTo(2);
        long constructed = rooms.constructions();
        long wokenUp = rooms.wakeUps();

        bob.socket.sendText("hello after a nap", true).join();
        assertThat(ada.next()).as("the name from bob's socket's attachment").isEqualTo("text:bob: hello after a nap");
        assertThat(bob.next()).isEqualTo("text:bob: hello after a nap");
        assertThat(rooms.wakeUps()).isEqualTo(wokenUp + 1);
        assertThat(rooms.constructions()).isEqualTo(constructed + 1);

        awaitEvicted(rooms);
        assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/chat/lobby?name=ada", "localhost")))
                .as("ada's tag, on her socket, tells the woken room the name is taken")
                .startsWith("HTTP/1.1 409").contains("The name ada is taken in this room.");
        WsClient carol = join("lobby", "carol", 1);
        assertThat(ada.next()).isEqualTo("text:* carol joined");
        assertThat(bob.next()).isEqualTo("text:* carol joined");
        carol.socket.sendClose(1000, "").join();
        assertThat(ada.next()).isEqualTo("text:* carol left");
        assertThat(bob.next()).isEqualTo("text:* carol left");

        awaitEvicted(rooms);
        long before = rooms.constructions();
        for (int i = 0; i < 3; i++) {
            ada.socket.sendText("/ping", true).join();
            assertThat(ada.next()).isEqualTo("text:/pong");
        }
        assertThat(rooms.constructions()).as("a heartbeat answered by the edge does not wake the room").isEqualTo(before);
        assertThat(bob.events.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void namesAreCheckedAndAMemberWithoutOneIsCalledAnonymous() throws Exception {
        start(yaml("10s"));
        assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/chat/lobby?name=a%20b", "localhost")))
                .startsWith("HTTP/1.1 400").contains("name: 'a b' (expected: 1 to 32 letters, digits, '-', '_' or '.')");
        assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/chat/lobby?name=" + "x".repeat(33), "localhost")))
                .startsWith("HTTP/1.1 400");
        WsClient first = WsClient.connect(edge.ws("/chat/lobby"));
        assertThat(first.next()).isEqualTo("text:* anonymous-1 joined");
        WsClient second = WsClient.connect(edge.ws("/chat/lobby?name="));
        assertThat(second.next()).isEqualTo("text:* anonymous-2 joined");
        WsClient named = join("lobby", "Zoë", 0);
        named.socket.sendText("hej", true).join();
        assertThat(first.next()).isEqualTo("text:* anonymous-2 joined");
        assertThat(first.next()).isEqualTo("text:* Zoë joined");
        assertThat(first.next()).isEqualTo("text:Zoë: hej");
    }

    @Test
    void aMessageTooLongToKeepIsRefusedToItsSenderAlone() throws Exception {
        start(yaml("10s"));
        WsClient ada = join("lobby", "ada", 0);
        WsClient bob = join("lobby", "bob", 0);
        assertThat(ada.next()).isEqualTo("text:* bob joined");
        ada.socket.sendText("x".repeat(4_097), true).join();
        assertThat(ada.next()).isEqualTo("text:! not sent: 4097 characters (at most 4096)");
        ada.socket.sendText("x".repeat(4_096), true).join();
        assertThat(bob.next()).isEqualTo("text:ada: " + "x".repeat(4_096));
    }

    /** Waits until the room is out of memory, evicted (not forgotten: its members' sockets keep it). */
    static void awaitEvicted(ObjectMetrics rooms) throws InterruptedException {
        await(() -> rooms.liveObjects() == 0 && rooms.evictions() > 0, "the idle room evicted");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
