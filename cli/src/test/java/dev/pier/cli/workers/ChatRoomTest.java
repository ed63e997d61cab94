package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.ScriptDeployer;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.WorkerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The example chat room through a real edge and the Workers runtime: a Durable Object per room
 * that holds its members' WebSockets, sends every message to every member in order, and replays
 * what it stored to whoever joins, after a restart too.
 */
class ChatRoomTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            workers:
              - name: chat
                class: dev.pier.examples.workers.ChatWorker
                durable_objects:
                  - { binding: ROOMS, class: dev.pier.examples.workers.ChatRoom }
            zones:
              - name: localhost
                dns_records:
                  - { type: A, name: localhost, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "localhost/chat/*", script: chat }
            """;

    TestEdge edge;

    TestEdge start() {
        WorkerRuntime runtime = new WorkerRuntime(ChatRoomTest.class.getClassLoader());
        ScriptDeployer workers = config -> runtime.deploy(config.workers(), config.durableObjects());
        edge = TestEdge.fromYaml(YAML, workers);
        return edge;
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void everyMemberHearsEveryMessageInTheRoomsOrderAndANewcomerHearsTheHistory() throws Exception {
        start();
        WsClient alice = WsClient.connect(edge.ws("/chat/lobby"));
        WsClient bob = WsClient.connect(edge.ws("/chat/lobby"));
        WsClient elsewhere = WsClient.connect(edge.ws("/chat/kitchen"));
        for (int i = 1; i <= 20; i++) {
            (i % 2 == 0 ? alice : bob).socket.sendText("message " + i, true).join();
        }
        // Two connections race to the room: the room's order is the order it received them, the same for every member.
        java.util.List<String> heardByAlice = new java.util.ArrayList<>();
        java.util.List<String> heardByBob = new java.util.ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            heardByAlice.add(alice.next());
            heardByBob.add(bob.next());
        }
        assertThat(heardByBob).isEqualTo(heardByAlice);
        assertThat(heardByAlice).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "text:message " + i).toList());
        assertThat(heardByAlice.stream().filter(m -> Integer.parseInt(m.substring(13)) % 2 == 0).toList())
                .as("one member's messages in the order it sent them")
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(i -> "text:message " + 2 * i).toList());
        WsClient carol = WsClient.connect(edge.ws("/chat/lobby"));
        java.util.List<String> replayed = new java.util.ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            replayed.add(carol.next());
        }
        assertThat(replayed).as("the history, replayed to a newcomer").isEqualTo(heardByAlice);
        elsewhere.socket.sendText("only in the kitchen", true).join();
        assertThat(elsewhere.next()).isEqualTo("text:only in the kitchen");
        assertThat(alice.events.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).as("another room's message").isNull();
        for (WsClient c : java.util.List.of(alice, bob, carol, elsewhere)) {
            c.socket.sendClose(1000, "bye").join();
            assertThat(c.next()).isEqualTo("close:1000 bye");
        }
    }

    @Test
    void aRoomRemembersItsConversationAfterARestart() throws Exception {
        start();
        WsClient alice = WsClient.connect(edge.ws("/chat/lobby"));
        alice.socket.sendText("before the restart", true).join();
        assertThat(alice.next()).isEqualTo("text:before the restart");
        java.nio.file.Path dir = edge.dir;
        edge.close();
        WorkerRuntime runtime = new WorkerRuntime(ChatRoomTest.class.getClassLoader());
        edge = TestEdge.fromYaml(YAML, config -> runtime.deploy(config.workers(), dev.pier.config.DurableObjectsConfig.in(dir.resolve("durable-objects"))));
        WsClient later = WsClient.connect(edge.ws("/chat/lobby"));
        assertThat(later.next()).isEqualTo("text:before the restart");
    }
}
