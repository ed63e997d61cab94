package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.JavaScriptLoader;
import dev.pier.config.DurableObjectsConfig;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.WorkerRuntime;
import dev.pier.workers.runtime.objects.LiveObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JavaScript Durable Object class need not have every Hibernation API handler: as on Cloudflare
 * (workerd delivers a hibernatable socket's message, close or error only where the class has
 * the method), an event without its method passes, and does not fail or reset the object. Found by
 * Autobahn against an echo object with {@code webSocketMessage} only (docs/AUTOBAHN.md): each
 * client close failed an event and reset the object.
 */
class JavaScriptHibernationHandlersTest {

    static final String SCRIPT = """
            import { DurableObject } from "cloudflare:workers";

            // webSocketMessage only: counts the messages of this instance and answers the count
            export class Echo extends DurableObject {
              async fetch(request) {
                const [client, server] = Object.values(new WebSocketPair());
                this.ctx.acceptWebSocket(server);
                return new Response(null, { status: 101, webSocket: client });
              }
              webSocketMessage(ws, message) {
                this.count = (this.count ?? 0) + 1;
                ws.send(`${this.count} ${message}`);
              }
            }

            // no handler at all: says hello when the socket is accepted
            export class Mute extends DurableObject {
              async fetch(request) {
                const [client, server] = Object.values(new WebSocketPair());
                this.ctx.acceptWebSocket(server);
                server.send("hello");
                return new Response(null, { status: 101, webSocket: client });
              }
            }

            export default {
              fetch(request, env) {
                const ns = new URL(request.url).pathname.startsWith("/echo") ? env.ECHO : env.MUTE;
                return ns.get(ns.idFromName("one")).fetch(request);
              },
            };
            """;

    @TempDir
    Path dir;
    TestEdge edge;
    final Map<String, LiveObjects> namespaces = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("worker.js"), SCRIPT);
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                workers:
                  - name: handlers
                    main_module: %s/worker.js
                    durable_objects:
                      - { binding: ECHO, class: Echo }
                      - { binding: MUTE, class: Mute }
                zones:
                  - name: localhost
                    settings:
                      websockets: on
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/*", script: handlers }
                """.formatted(dir);
        WorkerRuntime runtime = new WorkerRuntime(getClass().getClassLoader(), List.of(new JavaScriptLoader()));
        runtime.onNamespace(objects -> namespaces.put(objects.name(), objects));
        // hibernate_after far beyond the test: the same instance serves every connection unless an event resets it
        edge = TestEdge.fromYaml(yaml, config -> runtime.deploy(config.workers(),
                new DurableObjectsConfig(dir.resolve("objects"), null, java.time.Duration.ofMinutes(5))));
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        namespaces.values().forEach(LiveObjects::close);
    }

    @Test
    void aClassWithoutWebSocketCloseHasItsClientsClosesAnsweredAndKeepsItsInstance() throws Exception {
        WsClient first = WsClient.connect(edge.ws("/echo"));
        first.socket.sendText("a", true).join();
        assertThat(first.next()).isEqualTo("text:1 a");
        first.socket.sendClose(1000, "bye").join();
        assertThat(first.next()).startsWith("close:1000");

        WsClient second = WsClient.connect(edge.ws("/echo"));
        second.socket.sendText("b", true).join();
        assertThat(second.next()).as("the instance that counted 'a' (an event that failed would have reset it)")
                .isEqualTo("text:2 b");
        LiveObjects echo = namespaces.get("handlers.ECHO");
        assertThat(echo.metrics().resets()).isZero();
        assertThat(echo.metrics().constructions()).isEqualTo(1);
    }

    @Test
    void aClassWithNoHandlerLetsMessagesAndClosesPass() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/mute"));
        assertThat(client.next()).isEqualTo("text:hello");
        client.socket.sendText("nobody listens", true).join();
        client.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        client.socket.sendClose(4000, "done").join();
        assertThat(client.next()).startsWith("close:4000");

        WsClient again = WsClient.connect(edge.ws("/mute"));
        assertThat(again.next()).isEqualTo("text:hello");
        LiveObjects mute = namespaces.get("handlers.MUTE");
        assertThat(mute.metrics().resets()).isZero();
        assertThat(mute.metrics().constructions()).isEqualTo(1);
    }
}
