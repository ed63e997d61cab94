package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.LiveWebSocket;
import dev.pier.analytics.NodeWebSockets;
import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.workers.Env;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.Worker;
import dev.pier.workers.host.Script;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSockets open now, per zone, through a real edge: proxied tunnels on two zones and a
 * Worker's socket on a third, opened by Jetty's client (which reaches every host name at
 * 127.0.0.1). The node shows exactly the open ones, with the counters of what they carried so
 * far; closed ones vanish, and their records carry the figures the live view showed.
 */
class LiveWebSocketsTest {

    private static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            timeouts:
              close_grace: 2s
            workers:
              - { name: echo, class: test.Echo }
            zones:
              - name: a.example
                settings: { websockets: on }
                dns_records:
                  - { type: A, name: a.example, content: 127.0.0.1 }
                rulesets:
                  - phase: http_request_origin
                    rules:
                      - { expression: 'http.host eq "a.example"', action: route, action_parameters: { origin: { port: %1$d } } }
              - name: b.example
                settings: { websockets: on }
                dns_records:
                  - { type: A, name: b.example, content: 127.0.0.1 }
                rulesets:
                  - phase: http_request_origin
                    rules:
                      - { expression: 'http.host eq "b.example"', action: route, action_parameters: { origin: { port: %1$d } } }
              - name: w.example
                settings: { websockets: on }
                dns_records:
                  - { type: A, name: w.example, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "w.example/*", script: echo }
            """;

    /** Accepts a WebSocket and echoes each text message. */
    private static final Worker ECHO = (request, env, ctx) -> {
        WebSocketPair pair = new WebSocketPair();
        WebSocket server = pair.server();
        server.accept();
        server.addMessageListener(m -> server.send(m.text()));
        return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
    };

    JettyOrigin origin;
    TestEdge edge;
    HttpClient http;
    WebSocketClient client;
    NodeWebSockets live;

    @BeforeEach
    void start() throws Exception {
        origin = new JettyOrigin();
        edge = TestEdge.fromYaml(YAML.formatted(origin.port()),
                config -> name -> name.equals("echo") ? new Script("echo", ECHO, Env.of(Map.of())) : null);
        http = new HttpClient();
        http.setSocketAddressResolver((host, port, context, promise) -> promise.succeeded(List.of(new InetSocketAddress("127.0.0.1", port))));
        client = new WebSocketClient(http);
        client.start();
        live = new NodeWebSockets("node-1", edge.edge.usage());
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        edge.close();
        origin.close();
    }

    /** Collects the messages a session receives. */
    @org.eclipse.jetty.websocket.api.annotations.WebSocket
    public static final class Messages {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @OnWebSocketMessage
        public void text(String message) {
            received.add(message);
        }
    }

    record Peer(Session session, Messages messages) {

        /** Sends {@code count} messages of 10 characters, each answered before the next. */
        void exchange(int count) throws Exception {
            for (int i = 0; i < count; i++) {
                String text = "message-%02d".formatted(i % 100).substring(0, 10);
                Callback.Completable sent = new Callback.Completable();
                session.sendText(text, sent);
                sent.get(10, TimeUnit.SECONDS);
                assertThat(messages.received.poll(10, TimeUnit.SECONDS)).isEqualTo(text);
            }
        }
    }

    Peer open(String host, String path) throws Exception {
        Messages messages = new Messages();
        URI uri = URI.create("ws://" + host + ":" + edge.port() + path);
        Session session = client.connect(messages, uri).get(10, TimeUnit.SECONDS);
        return new Peer(session, messages);
    }

    @Test
    void theNodeShowsExactlyTheOpenWebSocketsOfEachZoneWithGrowingCounters() throws Exception {
        List<Peer> a = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            a.add(open("a.example", "/echo?n=" + i));
        }
        List<Peer> b = List.of(open("b.example", "/echo"), open("b.example", "/echo"));
        Peer worker = open("w.example", "/chat");
        for (int i = 0; i < a.size(); i++) {
            a.get(i).exchange(i + 1);
        }
        for (Peer peer : b) {
            peer.exchange(4);
        }
        worker.exchange(5);

        List<LiveWebSocket> onA = sortedByMessages(live.open("a.example"));
        assertThat(onA).hasSize(3);
        assertThat(onA).extracting(LiveWebSocket::clientMessages).containsExactly(1L, 2L, 3L);
        assertThat(onA).extracting(LiveWebSocket::originMessages).containsExactly(1L, 2L, 3L);
        assertThat(onA).extracting(LiveWebSocket::path).containsOnly("/echo"); // without the query
        assertThat(onA).extracting(LiveWebSocket::node).containsOnly("node-1");
        assertThat(onA).extracting(LiveWebSocket::zone).containsOnly("a.example");
        assertThat(onA).extracting(LiveWebSocket::host).containsOnly("a.example:" + edge.port());
        assertThat(onA).extracting(LiveWebSocket::clientIp).containsOnly("127.0.0.1");
        assertThat(onA).extracting(LiveWebSocket::rayId).doesNotHaveDuplicates().allMatch(r -> r.matches("[0-9a-f]{16}"));
        assertThat(onA).allSatisfy(ws -> assertThat(ws.startedAt()).isBeforeOrEqualTo(java.time.Instant.now()));
        assertThat(live.open("b.example")).extracting(LiveWebSocket::clientMessages).containsExactly(4L, 4L);
        List<LiveWebSocket> onW = live.open("w.example");
        assertThat(onW).singleElement().satisfies(ws -> {
            assertThat(ws.clientMessages()).isEqualTo(5);
            assertThat(ws.originMessages()).isEqualTo(5);
            assertThat(ws.path()).isEqualTo("/chat");
        });
        assertThat(live.open("nowhere.example")).isEmpty();
        assertThat(live.all()).hasSize(6);

        // More messages: each counter grows by exactly what they carried (a 10-byte text frame is 16
        // bytes masked from the client, 12 bytes to it)
        LiveWebSocket before = onA.get(0);
        a.get(0).exchange(7);
        LiveWebSocket after = byRay(live.open("a.example"), before.rayId());
        assertThat(after.clientMessages()).isEqualTo(before.clientMessages() + 7);
        assertThat(after.originMessages()).isEqualTo(before.originMessages() + 7);
        assertThat(after.clientRequestBytes()).isEqualTo(before.clientRequestBytes() + 7 * 16);
        assertThat(after.edgeResponseBytes()).isEqualTo(before.edgeResponseBytes() + 7 * 12);
        LiveWebSocket workerBefore = onW.get(0);
        worker.exchange(3);
        LiveWebSocket workerAfter = live.open("w.example").get(0);
        assertThat(workerAfter.clientMessages()).isEqualTo(8);
        assertThat(workerAfter.clientRequestBytes()).isEqualTo(workerBefore.clientRequestBytes() + 3 * 16);
        assertThat(workerAfter.edgeResponseBytes()).isEqualTo(workerBefore.edgeResponseBytes() + 3 * 12);

        // Closed ones vanish; each record carries the messages the live view counted
        String closedRay = after.rayId();
        a.get(0).session().close(1000, "done", Callback.NOOP);
        for (Peer peer : b) {
            peer.session().close(1000, "done", Callback.NOOP);
        }
        worker.session().close(1000, "done", Callback.NOOP);
        Map<String, RequestLog> records = new java.util.HashMap<>();
        for (int i = 0; i < 4; i++) {
            RequestLog record = edge.nextLog();
            records.put(record.rayId(), record);
        }
        assertThat(records.get(closedRay).webSocketClientMessages()).isEqualTo(after.clientMessages());
        assertThat(records.get(closedRay).webSocketOriginMessages()).isEqualTo(after.originMessages());
        assertThat(records.get(closedRay).edgeResponseBytes()).isGreaterThan(after.edgeResponseBytes()); // and the close frame
        assertThat(records.get(workerAfter.rayId()).webSocketClientMessages()).isEqualTo(8);
        assertThat(live.open("a.example")).extracting(LiveWebSocket::rayId).hasSize(2).doesNotContain(closedRay);
        assertThat(live.open("b.example")).isEmpty();
        assertThat(live.open("w.example")).isEmpty();
        assertThat(edge.edge.usage().zone("a.example").openWebSockets()).isEqualTo(2);
    }

    private static List<LiveWebSocket> sortedByMessages(List<LiveWebSocket> open) {
        return open.stream().sorted(Comparator.comparingLong(LiveWebSocket::clientMessages)).collect(Collectors.toList());
    }

    private static LiveWebSocket byRay(List<LiveWebSocket> open, String rayId) {
        return open.stream().filter(ws -> ws.rayId().equals(rayId)).findFirst().orElseThrow();
    }
}
