package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.PierProcesses;
import dev.pier.cli.RuntimeDeployer;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.WorkerRuntime;
import dev.pier.workers.runtime.objects.LiveObjects;
import dev.pier.workers.runtime.objects.ObjectMetrics;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real nodes (two edges, each with its own Workers runtime) sharing the local PostgreSQL, as
 * several nodes of one deployment would: an object runs on one of them, and the other sends it the
 * requests its stubs make, WebSockets included. The example counter counts every request once
 * whichever node it comes through; two members of the example chat room on two nodes hear each
 * other; a node that dies leaves its objects to the other once its leases ran out, with their
 * storage; a request to the nodes' path without the node secret reaches no object.
 *
 * <p>The scripts' names are new for each test, so each test's objects are its own in the shared
 * database, and their rows are deleted afterwards. Each test's nodes listen on two ports that no
 * socket held when the test began: a node listens with SO_REUSEPORT, so a port the test before
 * had not let go of yet would be shared with it, and some connections would go to the old node.
 */
class SeveralNodesTest {

    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    final int portA;
    final int portB;

    /** A node: its edge, and its runtime's namespaces by name. */
    record Node(TestEdge edge, WorkerRuntime runtime, Map<String, LiveObjects> namespaces) {
        ObjectMetrics metrics(String namespace) {
            return namespaces.get(namespace).metrics();
        }

        void stop() {
            edge.close();
            runtime.close();
        }
    }

    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final String counter = "counter-" + suffix;
    final String chat = "chat-" + suffix;
    final List<Node> nodes = new ArrayList<>();
    @TempDir
    Path dir;
    Path secret;

    SeveralNodesTest() throws java.io.IOException {
        try (java.net.ServerSocket a = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket b = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            portA = a.getLocalPort();
            portB = b.getLocalPort();
        }
    }

    String yaml(int port, String lease) throws Exception {
        if (secret == null) {
            secret = Files.writeString(dir.resolve("node-secret"), "s3cret-of-the-nodes-" + suffix + "\n");
        }
        return """
                listeners:
                  - address: 127.0.0.1:%1$d
                request_log: requests.ndjson
                workers:
                  - name: %2$s
                    class: dev.pier.examples.workers.CounterWorker
                    durable_objects:
                      - { binding: COUNTERS, class: dev.pier.examples.workers.Counter }
                  - name: %3$s
                    class: dev.pier.examples.workers.ChatWorker
                    durable_objects:
                      - { binding: ROOMS, class: dev.pier.examples.workers.ChatRoom }
                      - { binding: LIMITERS, class: dev.pier.examples.workers.RateLimiter }
                    vars: { RATE_LIMIT: "1000/1s" }
                durable_objects:
                  storage: %4$s
                  node_address: 127.0.0.1:%1$d
                  node_secret_file: %5$s
                  lease: %6$s
                zones:
                  - name: localhost
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/counter/*", script: %2$s }
                      - { pattern: "localhost/chat/*", script: %3$s }
                """.formatted(port, counter, chat, POSTGRES, secret, lease);
    }

    Node start(int port, String lease) throws Exception {
        WorkerRuntime runtime = new WorkerRuntime(SeveralNodesTest.class.getClassLoader());
        Map<String, LiveObjects> namespaces = new ConcurrentHashMap<>();
        runtime.onNamespace(n -> namespaces.put(n.name(), n));
        Node node = new Node(TestEdge.fromYaml(yaml(port, lease), new RuntimeDeployer(runtime)), runtime, namespaces);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stopAndForget() throws Exception {
        nodes.forEach(Node::stop);
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            for (String table : List.of("_pier_do_kv", "_pier_do_alarms", "_pier_do_leases")) {
                s.executeUpdate("DELETE FROM pier_durable_objects." + table + " WHERE namespace LIKE '%-" + suffix + ".%'");
            }
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String count(int port, String name) throws Exception {
        HttpResponse<String> response = get(port, "/counter/" + name);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void aCounterHitThroughBothNodesCountsEveryRequestOnceAndRunsOnOneOfThem() throws Exception {
        Node a = start(portA, "10s");
        Node b = start(portB, "10s");
        for (int i = 1; i <= 20; i++) {
            assertThat(count(i % 2 == 0 ? portA : portB, "lobby")).as("request " + i).isEqualTo(Integer.toString(i));
        }
        ObjectMetrics onA = a.metrics(counter + ".COUNTERS");
        ObjectMetrics onB = b.metrics(counter + ".COUNTERS");
        assertThat(List.of(onA.constructions(), onB.constructions())).as("constructed on one node only")
                .containsExactlyInAnyOrder(1L, 0L);
        ObjectMetrics other = onA.constructions() == 0 ? onA : onB;
        assertThat(other.forwarded()).as("the other node sent it its 10 requests").isEqualTo(10);
        assertThat(onA.requests() + onB.requests()).isEqualTo(20);

        // many at once, from both nodes: still one instance, and no update lost
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(WsClient.HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + (i % 2 == 0 ? portA : portB)
                    + "/counter/lobby")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<String> counts = burst.stream().map(f -> f.join().body()).sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList();
        assertThat(counts).isEqualTo(java.util.stream.IntStream.rangeClosed(21, 60).mapToObj(Integer::toString).toList());
        assertThat(onA.constructions() + onB.constructions()).isEqualTo(1);
    }

    @Test
    void twoChatMembersOnTwoNodesHearEachOther() throws Exception {
        start(portA, "10s");
        Node b = start(portB, "10s");
        WsClient ada = WsClient.connect("ws://localhost:" + portA + "/chat/lobby?name=ada");
        assertThat(ada.next()).isEqualTo("text:* ada joined");
        WsClient bob = WsClient.connect("ws://localhost:" + portB + "/chat/lobby?name=bob");
        assertThat(bob.next()).isEqualTo("text:* bob joined");
        assertThat(ada.next()).isEqualTo("text:* bob joined");

        bob.socket.sendText("hello from B", true).join();
        assertThat(ada.next()).isEqualTo("text:bob: hello from B");
        assertThat(bob.next()).isEqualTo("text:bob: hello from B");
        ada.socket.sendText("hello from A", true).join();
        assertThat(bob.next()).isEqualTo("text:ada: hello from A");
        assertThat(ada.next()).isEqualTo("text:ada: hello from A");
        assertThat(RawHttp.exchange(portB, RawHttp.upgrade("/chat/lobby?name=ada", "localhost")))
                .as("the room on node A knows ada's name is taken, asked through node B")
                .startsWith("HTTP/1.1 409").contains("The name ada is taken in this room.");

        long rooms = nodes.stream().mapToLong(n -> n.metrics(chat + ".ROOMS").constructions()).sum();
        assertThat(rooms).as("one room, on one node").isEqualTo(1);
        assertThat(b.metrics(chat + ".ROOMS").constructions()).isZero();

        bob.socket.sendClose(1000, "bye").join();
        assertThat(bob.next()).isEqualTo("close:1000 bye");
        assertThat(ada.next()).isEqualTo("text:* bob left");
    }

    @Test
    void aNodeThatStopsHandsItsObjectsToTheOtherAtOnceWithTheirStorage() throws Exception {
        Node a = start(portA, "30s");
        Node b = start(portB, "30s");
        assertThat(count(portA, "lobby")).isEqualTo("1");
        assertThat(count(portB, "lobby")).isEqualTo("2");
        a.stop();
        long started = System.nanoTime();
        assertThat(count(portB, "lobby")).isEqualTo("3");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("its leases were given up: no wait for them")
                .isLessThan(java.time.Duration.ofSeconds(10));
        assertThat(b.metrics(counter + ".COUNTERS").constructions()).isEqualTo(1);
    }

    @Test
    void aNodeThatDiesLeavesItsObjectsToTheOtherOnceTheirLeasesRanOut() throws Exception {
        Path config = Files.writeString(dir.resolve("a.yaml"), yaml(portA, "2s"));
        Process a = PierProcesses.start(dir, "a", "serve", "--config", config.toString());
        try {
            PierProcesses.awaitListening(portA);
            Node b = start(portB, "2s");
            assertThat(count(portA, "lobby")).isEqualTo("1");
            assertThat(count(portB, "lobby")).isEqualTo("2");
            assertThat(count(portA, "lobby")).isEqualTo("3");
            ObjectMetrics onB = b.metrics(counter + ".COUNTERS");
            assertThat(onB.constructions()).as("the counter runs on A").isZero();

            a.destroyForcibly().waitFor(); // SIGKILL: A gives nothing up
            assertThat(count(portB, "lobby")).as("B waited for A's lease to run out, then took the counter over").isEqualTo("4");
            assertThat(onB.constructions()).isEqualTo(1);
            assertThat(count(portB, "lobby")).isEqualTo("5");
        } finally {
            a.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRequestToTheNodesPathWithoutTheSecretReachesNoObject() throws Exception {
        Node a = start(portA, "10s");
        String id = idFromName(counter + ".COUNTERS", "lobby");
        String request = "GET " + "/cdn-cgi/pier/durable-object HTTP/1.1\r\nHost: 127.0.0.1:" + portA + "\r\n"
                + "pier-object-namespace: " + counter + ".COUNTERS\r\npier-object-id: " + id + "\r\n"
                + "pier-object-url: http://localhost/counter/lobby\r\nConnection: close\r\n";
        assertThat(RawHttp.exchange(portA, request + "\r\n")).as("no secret").startsWith("HTTP/1.1 403");
        assertThat(RawHttp.exchange(portA, request + "pier-node-secret: s3cret-of-the-nodes-guess\r\n\r\n"))
                .as("a wrong secret").startsWith("HTTP/1.1 403");
        assertThat(RawHttp.exchange(portA, request + "pier-node-secret: \r\n\r\n")).as("an empty one").startsWith("HTTP/1.1 403");
        assertThat(a.metrics(counter + ".COUNTERS").constructions()).as("no object was constructed").isZero();
        assertThat(count(portA, "lobby")).as("nothing was counted").isEqualTo("1");

        String secretValue = Files.readString(secret).strip();
        assertThat(RawHttp.exchange(portA, request + "pier-node-secret: " + secretValue + "\r\n\r\n"))
                .as("with the secret, the object's own answer").startsWith("HTTP/1.1 200").endsWith("\r\n\r\n2");
    }

    /** What {@code idFromName} gives in {@code namespace}: the SHA-256 of the namespace and the name. */
    static String idFromName(String namespace, String name) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((namespace + "\u0000" + name).getBytes(StandardCharsets.UTF_8)));
    }
}
