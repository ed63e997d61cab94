package dev.pier.edge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.Env;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.Worker;
import dev.pier.workers.host.Script;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routes that end in a Worker, through a real edge: the Worker answers HTTP requests and accepts
 * WebSockets the edge terminates, only after every phase (the websockets setting, the WAF) let
 * the request through, with one exact record per request.
 */
class WorkerRoutesTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            workers:
              - { name: echo, class: test.Echo, vars: { GREETING: hello } }
            zones:
              - name: localhost
                settings:
                  websockets: %s
                dns_records:
                  - { type: A, name: localhost, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "localhost/*", script: echo }
                rulesets:
                  - phase: http_request_firewall_custom
                    rules:
                      - { id: no-admin, expression: 'starts_with(http.request.uri.path, "/admin")', action: block }
            """;

    final AtomicInteger invocations = new AtomicInteger();
    /** The close events the Worker's ends saw. */
    final java.util.List<String> workerCloses = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Answers /throw by throwing, other requests with the greeting, and an upgrade with an echo socket. */
    final Worker echo = (request, env, ctx) -> {
        invocations.incrementAndGet();
        if (request.path().equals("/throw")) {
            throw new IllegalStateException("this Worker throws on /throw");
        }
        if (!request.isWebSocketUpgrade()) {
            return CompletableFuture.completedFuture(new Response(env.var("GREETING") + " from " + request.url()));
        }
        WebSocketPair pair = new WebSocketPair();
        WebSocket server = pair.server();
        server.accept();
        server.addCloseListener(c -> workerCloses.add(c.code() + " " + c.reason()));
        server.addMessageListener(m -> {
            if (m.isText()) {
                server.send("echo:" + m.text());
            } else {
                server.send(m.bytes());
            }
        });
        return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
    };

    TestEdge edge;

    TestEdge start(String websockets) {
        edge = TestEdge.fromYaml(YAML.formatted(websockets), config -> name -> name.equals("echo")
                ? new Script("echo", echo, Env.of(config.workers().get(0).vars())) : null);
        return edge;
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void aWorkerAnswersAnHttpRequestAndItsRecordNamesIt() throws Exception {
        start("on");
        HttpResponse<String> response = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http("/hello?x=1"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from http://localhost:" + edge.port() + "/hello?x=1");
        RequestLog log = edge.nextLog();
        assertThat(log.edgeResponseStatus()).isEqualTo(200);
        assertThat(log.workerScriptName()).isEqualTo("echo");
        assertThat(log.workerStatus()).isEqualTo("ok");
        assertThat(log.originIp()).isNull();
    }

    @Test
    void aWorkerTerminatesAWebSocketAndEchoesEveryMessage() throws Exception {
        start("on");
        WsClient client = WsClient.connect(edge.ws("/chat"));
        client.socket.sendText("hi", true).join();
        assertThat(client.next()).isEqualTo("text:echo:hi");
        client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        assertThat(client.nextBinary()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        client.socket.sendClose(1000, "done").join();
        assertThat(client.next()).isEqualTo("close:1000 done");
        RequestLog log = edge.nextLog();
        assertThat(log.webSocket()).isTrue();
        assertThat(log.edgeResponseStatus()).isEqualTo(101);
        assertThat(log.workerScriptName()).isEqualTo("echo");
        assertThat(log.webSocketClientMessages()).isEqualTo(2);
        assertThat(log.webSocketOriginMessages()).isEqualTo(2);
        assertThat(log.webSocketCloseCode()).isEqualTo(1000);
        assertThat(log.webSocketClosedBy()).isEqualTo(RequestLog.ClosedBy.client);
        assertThat(edge.edge.usage().zone("localhost").upgrades()).isEqualTo(1);
        assertThat(edge.edge.usage().zone("localhost").openWebSockets()).isZero();
        var echo = edge.edge.usage().worker("echo");
        assertThat(echo.requests()).isEqualTo(1);
        assertThat(echo.messagesIn()).isEqualTo(2);
        assertThat(echo.messagesOut()).isEqualTo(2);
        assertThat(echo.openWebSockets()).isZero();
        assertThat(edge.edge.usage().scrape()).contains("pier_worker_requests_total{script=\"echo\"} 1.0")
                .contains("pier_worker_websocket_messages_total{direction=\"in\",script=\"echo\"} 2.0");
    }

    @Test
    void aRestartClosesAWorkersSocketWith1001OnBothSides() throws Exception {
        start("on");
        WsClient client = WsClient.connect(edge.ws("/chat"));
        client.socket.sendText("hi", true).join();
        assertThat(client.next()).isEqualTo("text:echo:hi");
        edge.edge.shutdown();
        assertThat(client.next()).isEqualTo("close:1001 edge is restarting");
        assertThat(workerCloses).containsExactly("1001 edge is restarting");
        RequestLog log = edge.nextLog();
        assertThat(log.webSocketCloseCode()).isEqualTo(1001);
        assertThat(log.webSocketClosedBy()).isEqualTo(RequestLog.ClosedBy.edge);
    }

    @Test
    void theWafBlocksAnUpgradeBeforeAnyCodeRuns() throws Exception {
        start("on");
        String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/admin/socket", "localhost", "Connection: Upgrade"));
        assertThat(response).startsWith("HTTP/1.1 403 ");
        assertThat(invocations).hasValue(0);
        assertThat(edge.nextLog().securityAction()).isEqualTo("block");
    }

    @Test
    void websocketsOffRefusesTheUpgradeBeforeAnyCodeRuns() throws Exception {
        start("off");
        String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/chat", "localhost"));
        assertThat(response).startsWith("HTTP/1.1 403 ").contains("WebSockets are disabled for this zone.");
        assertThat(invocations).hasValue(0);
    }

    @Test
    void aWorkerThatThrowsIs500WithCloudflaresError1101() throws Exception {
        start("on");
        String response = RawHttp.exchange(edge.port(), "GET /throw HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 500 ").contains("error 1101: The Worker threw an exception.")
                .doesNotContain("this Worker throws");
        RequestLog log = edge.nextLog();
        assertThat(log.workerStatus()).isEqualTo("exception");
        assertThat(log.edgeError()).isEqualTo("WORKER_EXCEPTION");
        assertThat(edge.edge.usage().worker("echo").exceptions()).isEqualTo(1);
    }

    @Test
    void permessageDeflateIsNegotiatedForAWorkersSocket() throws Exception {
        start("on");
        String head = RawHttp.head(edge.port(), "127.0.0.1", RawHttp.upgrade("/chat", "localhost",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"));
        assertThat(head).startsWith("HTTP/1.1 101 ").containsIgnoringCase("sec-websocket-extensions: permessage-deflate")
                .containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
