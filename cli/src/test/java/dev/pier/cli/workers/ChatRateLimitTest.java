package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.objects.ObjectMetrics;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example chat's rate limiter, a Durable Object per client IP, through a real edge: ten joins
 * and ten messages from one address at once, and no more until a token comes back (one every six
 * seconds here); another address is not held back, and a limiter evicted from memory remembers.
 * Every 127.x.y.z is this machine, so each test client is "another address" by the one it
 * connects from.
 */
class ChatRateLimitTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            workers:
              - name: chat
                class: dev.pier.examples.workers.ChatWorker
                durable_objects:
                  - { binding: ROOMS, class: dev.pier.examples.workers.ChatRoom }
                  - { binding: LIMITERS, class: dev.pier.examples.workers.RateLimiter }
                vars: { RATE_LIMIT: "10/60s" }
            durable_objects:
              storage: durable-objects
              hibernate_after: 200ms
            zones:
              - name: localhost
                dns_records:
                  - { type: A, name: localhost, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "localhost/chat/*", script: chat }
            """;

    WorkersNode node;
    TestEdge edge;

    @BeforeEach
    void start() {
        node = WorkersNode.start(YAML);
        edge = node.edge;
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void theEleventhJoinFromOneAddressIsRefusedWhileAnotherAddressJoins() throws Exception {
        for (int i = 1; i <= 10; i++) {
            assertThat(join("127.0.0.2", "lobby")).as("join %d", i).startsWith("HTTP/1.1 101");
        }
        String refused = join("127.0.0.2", "kitchen");
        assertThat(refused).as("a limit per address, whatever the room").startsWith("HTTP/1.1 429").containsPattern("(?i)\r\nretry-after: [1-6]\r\n");
        assertThat(join("127.0.0.3", "lobby")).startsWith("HTTP/1.1 101");
        ObjectMetrics limiters = node.namespace("chat.LIMITERS").metrics();
        ChatRoomTest.await(() -> limiters.liveObjects() == 0 && limiters.evictions() >= 2, "both limiters evicted, idle");
        assertThat(join("127.0.0.2", "lobby")).as("still refused: the bucket was in storage").startsWith("HTTP/1.1 429");
    }

    @Test
    void theEleventhMessageFromOneAddressIsRefusedToItsSenderAloneWhileAnotherAddressSpeaks() throws Exception {
        WsClient ada = connect("127.0.0.4", "ada");
        assertThat(ada.next()).isEqualTo("text:* ada joined");
        WsClient bob = connect("127.0.0.5", "bob");
        assertThat(bob.next()).isEqualTo("text:* bob joined");
        assertThat(ada.next()).isEqualTo("text:* bob joined");
        for (int i = 1; i <= 11; i++) {
            ada.socket.sendText("message " + i, true).join();
        }
        for (int i = 1; i <= 10; i++) {
            assertThat(ada.next()).isEqualTo("text:ada: message " + i);
            assertThat(bob.next()).isEqualTo("text:ada: message " + i);
        }
        assertThat(ada.next()).matches("text:! not sent: too many messages from your address; the next in [1-6] s");
        assertThat(bob.events.poll(300, TimeUnit.MILLISECONDS)).as("the refused message").isNull();
        bob.socket.sendText("my turn", true).join();
        assertThat(ada.next()).isEqualTo("text:bob: my turn");
        assertThat(bob.next()).isEqualTo("text:bob: my turn");
    }

    /** The head of the answer to a WebSocket upgrade for {@code room}, sent from {@code address}. */
    String join(String address, String room) throws Exception {
        return RawHttp.head(edge.port(), address, RawHttp.upgrade("/chat/" + room, "localhost"));
    }

    /** A member called {@code name} in the lobby, connected from {@code address}. */
    WsClient connect(String address, String name) throws Exception {
        WsClient client = new WsClient();
        client.socket = HttpClient.newBuilder().localAddress(InetAddress.getByName(address)).build().newWebSocketBuilder()
                .buildAsync(URI.create(edge.ws("/chat/lobby?name=" + name)), client).get(15, TimeUnit.SECONDS);
        return client;
    }
}
