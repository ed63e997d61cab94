package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.JavaScriptLoader;
import dev.pier.cli.RuntimeDeployer;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.WorkerRuntime;
import dev.pier.workers.runtime.objects.LiveObjects;
import dev.pier.workers.runtime.objects.ObjectMetrics;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JavaScript Durable Objects on two real nodes (two edges, each with its own Workers runtime and
 * GraalJS) sharing the local PostgreSQL: requests for one object arriving at either node reach one
 * instance, whose storage counts every request once; members of one room on both nodes hear each
 * other; a node that stops hands its objects to the other at once, its WebSockets close with 1012,
 * and clients that reconnect through the other node find the room's stored history.
 *
 * <p>As in {@link SeveralNodesTest}: the script's name is new for each test, so its objects are
 * its own in the shared database (their rows are deleted afterwards), and the nodes listen on
 * ports that no socket held when the test began.
 */
class JavaScriptSeveralNodesTest {

    static final String POSTGRES = SeveralNodesTest.POSTGRES;

    static final String SCRIPT = """
            import { DurableObject } from "cloudflare:workers";

            export class Counter extends DurableObject {
              async fetch(request) {
                const n = ((await this.ctx.storage.get("n")) ?? 0) + 1;
                await this.ctx.storage.put("n", n);
                return new Response(String(n));
              }
            }

            export class Room extends DurableObject {
              async fetch(request) {
                const name = new URL(request.url).searchParams.get("name");
                const [client, server] = Object.values(new WebSocketPair());
                this.ctx.acceptWebSocket(server);
                server.serializeAttachment({ name });
                for (const line of (await this.ctx.storage.get("history")) ?? []) {
                  server.send(line);
                }
                this.broadcast(`* ${name} joined`);
                return new Response(null, { status: 101, webSocket: client });
              }

              async webSocketMessage(ws, message) {
                const line = `${ws.deserializeAttachment().name}: ${message}`;
                const history = (await this.ctx.storage.get("history")) ?? [];
                history.push(line);
                await this.ctx.storage.put("history", history);
                this.broadcast(line);
              }

              async webSocketClose(ws, code, reason, wasClean) {
                this.broadcast(`* ${ws.deserializeAttachment().name} left`);
              }

              broadcast(line) {
                for (const ws of this.ctx.getWebSockets()) {
                  try { ws.send(line); } catch (e) { /* closing: its close event follows */ }
                }
              }
            }

            export default {
              async fetch(request, env) {
                const [, kind, name] = new URL(request.url).pathname.split("/");
                const ns = kind === "room" ? env.ROOMS : env.COUNTERS;
                return ns.get(ns.idFromName(name)).fetch(request);
              },
            };
            """;

    /** A node: its edge, and its runtime's namespaces by name. */
    record Node(int port, TestEdge edge, WorkerRuntime runtime, Map<String, LiveObjects> namespaces) {
        ObjectMetrics metrics(String binding) {
            return namespaces.values().stream().filter(n -> n.name().endsWith("." + binding)).findFirst().orElseThrow().metrics();
        }

        /** As {@code pier serve} stops: the edge closes its WebSockets, then the runtime gives its objects up. */
        void stop() {
            edge.edge.shutdown();
            runtime.close();
        }
    }

    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final String script = "js-" + suffix;
    final int portA;
    final int portB;
    final List<Node> nodes = new ArrayList<>();
    final List<WsClient> clients = new ArrayList<>();
    @TempDir
    Path dir;

    JavaScriptSeveralNodesTest() throws java.io.IOException {
        try (java.net.ServerSocket a = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket b = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            portA = a.getLocalPort();
            portB = b.getLocalPort();
        }
    }

    Node start(int port) throws Exception {
        Path secret = dir.resolve("node-secret");
        Path main = dir.resolve("script/worker.js");
        if (!Files.exists(main)) {
            Files.writeString(secret, "s3cret-of-the-nodes-" + suffix + "\n");
            Files.createDirectories(main.getParent());
            Files.writeString(main, SCRIPT);
        }
        String yaml = """
                listeners:
                  - address: 127.0.0.1:%1$d
                workers:
                  - name: %2$s
                    main_module: %3$s
                    durable_objects:
                      - { binding: COUNTERS, class: Counter }
                      - { binding: ROOMS, class: Room }
                durable_objects:
                  storage: %4$s
                  node_address: 127.0.0.1:%1$d
                  node_secret_file: %5$s
                  lease: 30s
                zones:
                  - name: localhost
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/*", script: %2$s }
                """.formatted(port, script, main, POSTGRES, secret);
        WorkerRuntime runtime = new WorkerRuntime(JavaScriptSeveralNodesTest.class.getClassLoader(), List.of(new JavaScriptLoader()));
        Map<String, LiveObjects> namespaces = new ConcurrentHashMap<>();
        runtime.onNamespace(n -> namespaces.put(n.name(), n));
        Node node = new Node(port, TestEdge.fromYaml(yaml, new RuntimeDeployer(runtime)), runtime, namespaces);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stopAndForget() throws Exception {
        clients.forEach(c -> c.socket.abort());
        nodes.forEach(Node::stop);
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            for (String table : List.of("_pier_do_kv", "_pier_do_alarms", "_pier_do_leases")) {
                s.executeUpdate("DELETE FROM pier_durable_objects." + table + " WHERE namespace LIKE '" + script + ".%'");
            }
        }
    }

    @Test
    void aCounterHitThroughBothNodesCountsEveryRequestOnceAndRunsOnOneOfThem() throws Exception {
        Node a = start(portA);
        Node b = start(portB);
        for (int i = 1; i <= 10; i++) {
            assertThat(count(i % 2 == 0 ? a : b, "lobby")).as("request " + i).isEqualTo(Integer.toString(i));
        }
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(WsClient.HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + (i % 2 == 0 ? portA : portB)
                    + "/counter/lobby")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(burst.stream().map(f -> f.join().body()).sorted(Comparator.comparingInt(Integer::parseInt)).toList())
                .as("many at once through both nodes: no update lost")
                .isEqualTo(IntStream.rangeClosed(11, 30).mapToObj(Integer::toString).toList());
        ObjectMetrics onA = a.metrics("COUNTERS");
        ObjectMetrics onB = b.metrics("COUNTERS");
        assertThat(List.of(onA.constructions(), onB.constructions())).as("constructed on one node only").containsExactlyInAnyOrder(1L, 0L);
        assertThat((onA.constructions() == 0 ? onA : onB).forwarded()).as("the other node sent it its requests").isGreaterThanOrEqualTo(15);
    }

    @Test
    void aNodeThatStopsHandsItsRoomToTheOtherAndItsMembersReconnectToTheStoredHistory() throws Exception {
        Node a = start(portA);
        Node b = start(portB);
        WsClient ada = join(a, "ada");
        assertThat(ada.next()).isEqualTo("text:* ada joined");
        WsClient bob = join(b, "bob");
        assertThat(bob.next()).isEqualTo("text:* bob joined");
        assertThat(ada.next()).isEqualTo("text:* bob joined");
        bob.socket.sendText("hello from B", true).join();
        assertThat(ada.next()).isEqualTo("text:bob: hello from B");
        assertThat(bob.next()).isEqualTo("text:bob: hello from B");
        ada.socket.sendText("hello from A", true).join();
        assertThat(bob.next()).isEqualTo("text:ada: hello from A");
        assertThat(ada.next()).isEqualTo("text:ada: hello from A");
        assertThat(a.metrics("ROOMS").constructions()).as("the room runs on A, where ada came first").isEqualTo(1);
        assertThat(b.metrics("ROOMS").constructions()).isZero();

        a.stop();
        assertThat(closeOf(ada)).as("A's own client").isEqualTo("close:1001 edge is restarting");
        assertThat(closeOf(bob)).as("B's client of the room that ran on A").isEqualTo("close:1012 the Durable Object moved to another node");

        long stopped = System.nanoTime();
        WsClient ada2 = join(b, "ada");
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("A gave the room up as it stopped: no wait for its lease")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(ada2.next()).as("the history, from storage").isEqualTo("text:bob: hello from B");
        assertThat(ada2.next()).isEqualTo("text:ada: hello from A");
        assertThat(ada2.next()).isEqualTo("text:* ada joined");
        assertThat(b.metrics("ROOMS").constructions()).as("the room runs on B now").isEqualTo(1);
        ada2.socket.sendText("back", true).join();
        assertThat(ada2.next()).isEqualTo("text:ada: back");
    }

    /**
     * The close {@code client} gets, after the room's word that the other member left, which comes
     * first when A's edge closed that member's connection first.
     */
    static String closeOf(WsClient client) throws InterruptedException {
        String event = client.next();
        return event.matches("text:\\* \\w+ left") ? client.next() : event;
    }

    WsClient join(Node node, String name) throws Exception {
        WsClient client = WsClient.connect("ws://localhost:" + node.port() + "/room/lobby?name=" + name);
        clients.add(client);
        return client;
    }

    static String count(Node node, String name) throws Exception {
        HttpResponse<String> response = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.port() + "/counter/"
                + name)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
