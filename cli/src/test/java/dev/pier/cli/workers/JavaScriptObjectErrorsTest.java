package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.objects.LiveObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JavaScript Durable Object's uncaught exceptions through a real edge, as Cloudflare's
 * (developers.cloudflare.com/durable-objects/best-practices/error-handling/): the caller's
 * {@code stub.fetch} rejects with an Error of the object's name and message and {@code remote}
 * true, the object keeps its instance, its in-memory state and its sockets, and the writes made
 * before the throw are committed; a throwing constructor, a failing {@code blockConcurrencyWhile}
 * {@code ctx.abort} and a broken CPU limit reset it, and the caller's error says so ({@code durableObjectReset}). A
 * hibernating chat room in the pattern of Cloudflare's example, whose {@code webSocketClose} calls
 * {@code ws.close(code, reason)} (which throws for the 1006 of an abrupt disconnect), keeps its
 * other members connected.
 */
class JavaScriptObjectErrorsTest {

    static final String SCRIPT = """
            import { DurableObject } from "cloudflare:workers";

            export class Box extends DurableObject {
              constructor(ctx, env) {
                super(ctx, env);
                const name = ctx.id.name;
                if (name.startsWith('broken')) throw new RangeError('this one never constructs');
                if (name.startsWith('blocked')) ctx.blockConcurrencyWhile(async () => { throw new Error('loading failed'); });
                this.inMemory = 0;
              }
              async fetch(request) {
                const op = new URL(request.url).pathname.split('/')[3];
                this.inMemory++;
                const stored = ((await this.ctx.storage.get('n')) ?? 0) + 1;
                await this.ctx.storage.put('n', stored);
                if (op === 'throw') throw new TypeError(`bad input ${stored}`);
                if (op === 'abort') this.ctx.abort('enough');
                if (op === 'loop') while (true) { }
                return Response.json({ inMemory: this.inMemory, stored });
              }
            }

            // Cloudflare's hibernation chat pattern: broadcast, and answer a close with ws.close(code, reason)
            export class Chat extends DurableObject {
              async fetch(request) {
                const [client, server] = Object.values(new WebSocketPair());
                this.ctx.acceptWebSocket(server);
                return new Response(null, { status: 101, webSocket: client });
              }
              async webSocketMessage(ws, message) {
                for (const member of this.ctx.getWebSockets()) member.send(`${message} (${this.ctx.getWebSockets().length} here)`);
              }
              async webSocketClose(ws, code, reason, wasClean) {
                ws.close(code, 'Durable Object is closing WebSocket');
              }
            }

            export default {
              async fetch(request, env) {
                const [, kind, name] = new URL(request.url).pathname.split('/');
                const ns = kind === 'chat' ? env.CHAT : env.BOX;
                const stub = ns.get(ns.idFromName(name));
                if (request.headers.get('x-catch') === null) return stub.fetch(request);
                try {
                  return await stub.fetch(request);
                } catch (e) {
                  return Response.json({ name: e.name, message: e.message, remote: e.remote, reset: e.durableObjectReset ?? false,
                    isTypeError: e instanceof TypeError, isRangeError: e instanceof RangeError });
                }
              },
            };
            """;

    @TempDir
    Path dir;
    WorkersNode node;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("worker.js"), SCRIPT);
        node = WorkersNode.javaScript("""
                listeners:
                  - address: 127.0.0.1:0
                workers:
                  - name: errors
                    main_module: %s/worker.js
                    limits: { cpu_ms: 3000 } # wall time for an object's calls: room for a cold start on a busy machine
                    durable_objects:
                      - { binding: BOX, class: Box }
                      - { binding: CHAT, class: Chat }
                durable_objects:
                  storage: durable-objects
                  hibernate_after: 1h
                zones:
                  - name: localhost
                    settings:
                      websockets: on
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/*", script: errors }
                """.formatted(dir), dir.resolve("objects"));
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void anExceptionInFetchRejectsTheCallersStubFetchAndTheObjectGoesOnWithItsWrites() throws Exception {
        assertThat(caught("/box/a/")).isEqualTo("{\"inMemory\":1,\"stored\":1}");
        assertThat(caught("/box/a/throw")).isEqualTo(
                "{\"name\":\"TypeError\",\"message\":\"bad input 2\",\"remote\":true,\"reset\":false,\"isTypeError\":true,\"isRangeError\":false}");
        assertThat(caught("/box/a/")).as("the same instance, and the write before the throw committed")
                .isEqualTo("{\"inMemory\":3,\"stored\":3}");
        LiveObjects boxes = node.namespace("errors.BOX");
        assertThat(boxes.metrics().constructions()).isEqualTo(1);
        assertThat(boxes.metrics().exceptions()).isEqualTo(1);
        assertThat(boxes.metrics().resets()).isZero();
        assertThat(node.get("/box/a/throw").statusCode()).as("a Worker that does not catch it answers 500 (Cloudflare's 1101)")
                .isEqualTo(500);
    }

    @Test
    void aThrowingConstructorResetsTheObjectAndTheCallerIsToldSo() throws Exception {
        assertThat(caught("/box/broken/")).isEqualTo("{\"name\":\"RangeError\",\"message\":\"this one never constructs\",\"remote\":true,"
                + "\"reset\":true,\"isTypeError\":false,\"isRangeError\":true}");
        assertThat(node.get("/box/broken/").statusCode()).isEqualTo(500);
        assertThat(node.namespace("errors.BOX").metrics().resets()).isEqualTo(2);
    }

    @Test
    void aFailingBlockConcurrencyWhileResetsTheObjectAndDropsTheEventsWrites() throws Exception {
        assertThat(caught("/box/blocked/")).isEqualTo("{\"name\":\"Error\",\"message\":\"loading failed\",\"remote\":true,"
                + "\"reset\":true,\"isTypeError\":false,\"isRangeError\":false}");
        assertThat(caught("/box/blocked/")).as("constructed again, and it fails again").contains("\"reset\":true");
        LiveObjects boxes = node.namespace("errors.BOX");
        assertThat(boxes.metrics().constructions()).isEqualTo(2);
        assertThat(boxes.metrics().resets()).isEqualTo(2);
    }

    @Test
    void abortResetsTheObjectAndDropsTheEventsWrites() throws Exception {
        assertThat(caught("/box/b/")).isEqualTo("{\"inMemory\":1,\"stored\":1}");
        assertThat(caught("/box/b/abort")).isEqualTo("{\"name\":\"Error\",\"message\":\"abort: enough\",\"remote\":true,"
                + "\"reset\":true,\"isTypeError\":false,\"isRangeError\":false}");
        assertThat(caught("/box/b/")).as("a new instance, without the aborted event's write").isEqualTo("{\"inMemory\":1,\"stored\":2}");
    }

    @Test
    void anEventThatBreaksItsCpuLimitResetsTheObject() throws Exception {
        assertThat(caught("/box/c/")).isEqualTo("{\"inMemory\":1,\"stored\":1}");
        assertThat(caught("/box/c/loop")).startsWith("{\"name\":\"Error\",\"message\":\"Worker exceeded CPU time limit")
                .contains("\"remote\":true,\"reset\":true");
        assertThat(caught("/box/c/")).as("a new instance, in a new context, without the stopped event's write")
                .isEqualTo("{\"inMemory\":1,\"stored\":2}");
        assertThat(node.namespace("errors.BOX").metrics().resets()).isEqualTo(1);
    }

    @Test
    void aMemberThatDisconnectsAbruptlyLeavesTheOthersOfTheRoomConnected() throws Exception {
        WsClient ada = WsClient.connect(node.edge.ws("/chat/lobby"));
        WsClient bob = WsClient.connect(node.edge.ws("/chat/lobby"));
        WsClient cy = WsClient.connect(node.edge.ws("/chat/lobby"));
        ada.socket.sendText("hi", true).join();
        for (WsClient member : new WsClient[] {ada, bob, cy}) {
            assertThat(member.next()).isEqualTo("text:hi (3 here)");
        }
        LiveObjects chat = node.namespace("errors.CHAT");
        ada.socket.abort(); // no close frame: the room's webSocketClose gets 1006, and its ws.close(1006, ...) throws
        await(() -> chat.metrics().exceptions() == 1, "webSocketClose threw");
        bob.socket.sendText("still here?", true).join();
        assertThat(bob.next()).isEqualTo("text:still here? (2 here)");
        assertThat(cy.next()).isEqualTo("text:still here? (2 here)");
        assertThat(chat.metrics().resets()).isZero();
        assertThat(chat.metrics().constructions()).isEqualTo(1);

        cy.socket.sendClose(1000, "bye").join();
        assertThat(cy.next()).as("a clean close answered by the room's ws.close(code, reason)")
                .isEqualTo("close:1000 Durable Object is closing WebSocket");
        bob.socket.sendText("alone", true).join();
        assertThat(bob.next()).isEqualTo("text:alone (1 here)");
        assertThat(chat.metrics().exceptions()).isEqualTo(1);
    }

    /** The body of a GET through the Worker that catches the object's exception and describes it. */
    private String caught(String path) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.edge.http(path)))
                .header("x-catch", "1").build();
        return WsClient.HTTP.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(20);
        }
    }
}
