package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.objects.LiveObjects;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat example's node file, {@code examples/workers-js/chat.yaml}, as {@code pier serve} runs it
 * (its Wrangler project named in the file, no API), spoken to with the page's protocol: the page
 * and its redirect, joining, broadcast, a room that hibernates and wakes with its members'
 * attachments, and the history replayed to who joins after. The browser side is
 * {@code JavaScriptChatBrowserTest}.
 */
class ChatExampleTest {

    static final Path EXAMPLE = Path.of("../examples/workers-js").toAbsolutePath().normalize();

    @TempDir
    Path dir;
    WorkersNode node;
    TestEdge edge;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theExampleFileServesThePageAndRoomsThatHibernateAndReplayTheirHistory() throws Exception {
        String yaml = Files.readString(EXAMPLE.resolve("chat.yaml"));
        String local = yaml.replace("127.0.0.1:8080", "127.0.0.1:0")
                .replace("wrangler: chat/wrangler.toml", "wrangler: " + EXAMPLE.resolve("chat/wrangler.toml"))
                .replace("hibernate_after: 10s", "hibernate_after: 300ms");
        assertThat(yaml).as("the example's listener, project and hibernation")
                .contains("127.0.0.1:8080", "wrangler: chat/wrangler.toml", "hibernate_after: 10s");
        node = WorkersNode.javaScript(local, dir.resolve("objects"));
        edge = node.edge;

        HttpResponse<String> bare = get("/js-chat");
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("location")).hasValue(edge.http("/js-chat/"));
        HttpResponse<String> page = get("/js-chat/");
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html;charset=UTF-8");
        assertThat(page.body()).isEqualTo(Files.readString(EXAMPLE.resolve("chat/src/chat.html")));
        assertThat(get("/js-chat/api/elsewhere").statusCode()).isEqualTo(404);
        assertThat(get("/js-chat/api/room/lobby/websocket").statusCode()).as("not an upgrade").isEqualTo(426);

        WsClient ada = WsClient.connect(edge.ws("/js-chat/api/room/lobby/websocket"));
        ada.socket.sendText("{\"name\":\"ada\"}", true).join();
        assertThat(ada.next()).isEqualTo("text:{\"joined\":\"ada\"}");
        assertThat(ada.next()).isEqualTo("text:{\"ready\":true}");
        WsClient bob = WsClient.connect(edge.ws("/js-chat/api/room/lobby/websocket"));
        bob.socket.sendText("{\"name\":\"bob\"}", true).join();
        assertThat(bob.next()).as("who is there").isEqualTo("text:{\"joined\":\"ada\"}");
        assertThat(bob.next()).isEqualTo("text:{\"joined\":\"bob\"}");
        assertThat(bob.next()).isEqualTo("text:{\"ready\":true}");
        assertThat(ada.next()).isEqualTo("text:{\"joined\":\"bob\"}");
        ada.socket.sendText("{\"message\":\"hello\"}", true).join();
        assertThat(untimed(ada.next())).isEqualTo("text:{\"name\":\"ada\",\"message\":\"hello\"}");
        assertThat(untimed(bob.next())).isEqualTo("text:{\"name\":\"ada\",\"message\":\"hello\"}");

        LiveObjects rooms = node.namespace("js-chat.rooms");
        await(() -> rooms.metrics().evictions() >= 1 && rooms.metrics().hibernatedWebSockets() == 2);
        bob.socket.sendText("{\"message\":\"still here?\"}", true).join();
        assertThat(untimed(ada.next())).as("bob's name came back from his attachment")
                .isEqualTo("text:{\"name\":\"bob\",\"message\":\"still here?\"}");
        assertThat(untimed(bob.next())).isEqualTo("text:{\"name\":\"bob\",\"message\":\"still here?\"}");

        WsClient cy = WsClient.connect(edge.ws("/js-chat/api/room/lobby/websocket"));
        cy.socket.sendText("{\"name\":\"cy\"}", true).join();
        assertThat(cy.next()).isEqualTo("text:{\"joined\":\"ada\"}");
        assertThat(cy.next()).isEqualTo("text:{\"joined\":\"bob\"}");
        assertThat(untimed(cy.next())).as("the history").isEqualTo("text:{\"name\":\"ada\",\"message\":\"hello\"}");
        assertThat(untimed(cy.next())).isEqualTo("text:{\"name\":\"bob\",\"message\":\"still here?\"}");
        assertThat(cy.next()).isEqualTo("text:{\"joined\":\"cy\"}");
        assertThat(cy.next()).isEqualTo("text:{\"ready\":true}");
        ada.socket.sendClose(1000, "bye").join();
        assertThat(bob.next()).isEqualTo("text:{\"joined\":\"cy\"}");
        assertThat(bob.next()).isEqualTo("text:{\"quit\":\"ada\"}");

        WsClient dan = WsClient.connect(edge.ws("/js-chat/api/room/kitchen/websocket"));
        dan.socket.sendText("{\"name\":\"dan\"}", true).join();
        assertThat(dan.next()).as("another room: nothing of the lobby").isEqualTo("text:{\"joined\":\"dan\"}");
        assertThat(dan.next()).isEqualTo("text:{\"ready\":true}");
    }

    /** A message without its timestamp, which the room sets from its clock. */
    private static String untimed(String event) {
        assertThat(event).containsPattern(",\"timestamp\":\\d{13}}$");
        return event.replaceFirst(",\"timestamp\":\\d+}$", "}");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return node.get(path);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the room evicted, its sockets open").isLessThan(end);
            Thread.sleep(20);
        }
    }
}
