package dev.pier.edge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pier.edge.support.JdkHttpOrigin;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.examples.workers.BridgeWorker;
import dev.pier.workers.Env;
import dev.pier.workers.Fetch;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import dev.pier.workers.host.Script;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers that fetch, through a real edge, from real origins on this machine: a plain HTTP
 * answer on the client connection's own event loop, errors a Worker catches and answers with,
 * and the example {@link BridgeWorker} joining a client's WebSocket to an origin's echo, messages
 * and close codes both ways.
 */
class WorkerFetchTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            timeouts:
              origin_connect: 2s
              origin_response: 2s
              close_grace: 2s
            workers:
              - { name: fetcher, class: test.Fetcher }
              - { name: bridge, class: dev.pier.examples.workers.BridgeWorker }
            zones:
              - name: localhost
                settings:
                  websockets: on
                  proxy_read_timeout: 30
                dns_records:
                  - { type: A, name: localhost, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "localhost/bridge*", script: bridge }
                  - { pattern: "localhost/*", script: fetcher }
            """;

    static JettyOrigin jetty;
    static JdkHttpOrigin jdk;
    TestEdge edge;
    /** What the fetcher saw: one line per thing worth checking. */
    final List<String> seen = new CopyOnWriteArrayList<>();

    /** Fetches from the origins by path; every failure of a fetch is answered 502 with its message. */
    final Worker fetcher = (request, env, ctx) -> {
        Thread worker = Thread.currentThread();
        String path = request.path();
        CompletionStage<Response> stage = switch (path) {
            case "/hello" -> Fetch.fetch("http://127.0.0.1:" + jetty.port() + "/hello").thenApply(r -> {
                seen.add("same thread: " + (Thread.currentThread() == worker));
                return new Response(r.status() + " " + r.text());
            });
            case "/echo-body" -> Fetch.fetch(new Request("POST", "http://127.0.0.1:" + jetty.port() + "/body",
                    Headers.of("content-type", "text/plain"), request.bytes()));
            case "/slow" -> Fetch.fetch(jdk.url("/slow"));
            case "/big" -> Fetch.fetch("http://127.0.0.1:" + jetty.port() + "/big?n=" + (32 * 1024 * 1024 + 1));
            case "/down" -> Fetch.fetch("http://127.0.0.1:" + closedPort() + "/");
            case "/self" -> Fetch.fetch(edge.http("/hello"));
            case "/refused" -> Fetch.fetch(new Request("GET", "http://127.0.0.1:" + jetty.port() + "/not-a-socket",
                    Headers.of("upgrade", "websocket"), null)).thenApply(r -> {
                        seen.add("refused: " + r.status() + " " + r.webSocket());
                        return new Response(r.status() + " " + r.text());
                    });
            case "/pass" -> Fetch.fetch(new Request("GET", "http://127.0.0.1:" + jetty.port() + "/echo", request.headers(), null));
            default -> CompletableFuture.completedFuture(Response.text(404, "no such test"));
        };
        return stage.exceptionally(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            seen.add(cause.getClass().getSimpleName());
            return Response.text(502, cause.getMessage());
        });
    };

    @BeforeAll
    static void origins() throws Exception {
        jetty = new JettyOrigin();
        jdk = JdkHttpOrigin.start();
    }

    @AfterAll
    static void stopOrigins() throws Exception {
        jetty.close();
        jdk.close();
    }

    @BeforeEach
    void start() {
        String jettyEcho = "http://127.0.0.1:" + jetty.port() + "/echo";
        edge = TestEdge.fromYaml(YAML, config -> name -> switch (name) {
            case "fetcher" -> new Script("fetcher", fetcher, Env.of(Map.of()));
            case "bridge" -> new Script("bridge", new BridgeWorker(), Env.of(Map.of("ORIGIN", jettyEcho)));
            default -> null;
        });
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    HttpResponse<String> get(String path) throws Exception {
        return WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http(path))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWorkerFetchesAnOriginOnItsClientsEventLoop() throws Exception {
        HttpResponse<String> response = get("/hello");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("200 hello from jetty\n");
        assertThat(seen).containsExactly("same thread: true");
        assertThat(edge.nextLog().workerStatus()).isEqualTo("ok");
    }

    @Test
    void aWorkerReturnsTheFetchedResponseAsItIs() throws Exception {
        HttpResponse<String> response = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http("/echo-body")))
                .POST(HttpRequest.BodyPublishers.ofString("a body, there and back")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("a body, there and back");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
    }

    @Test
    void anOriginTooSlowTooLargeOrDownFailsTheStageAndTheWorkerAnswersWithWhy() throws Exception {
        HttpResponse<String> slow = get("/slow");
        assertThat(slow.statusCode()).isEqualTo(502);
        assertThat(slow.body()).isEqualTo("GET " + jdk.url("/slow") + ": the origin sent nothing for 2 s (the read timeout)");
        HttpResponse<String> big = get("/big");
        assertThat(big.statusCode()).isEqualTo(502);
        assertThat(big.body()).endsWith(": the response body is larger than 33554432 bytes, the most a fetch reads");
        HttpResponse<String> down = get("/down");
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(down.body()).contains(": the connection to 127.0.0.1:").contains("refused");
        assertThat(seen).containsExactly("FetchException", "FetchException", "FetchException");
    }

    @Test
    void aFetchOfTheEdgeItselfIsRefusedRatherThanLoopingBackToTheWorker() throws Exception {
        HttpResponse<String> self = get("/self");
        assertThat(self.statusCode()).isEqualTo(502);
        assertThat(self.body()).isEqualTo("GET " + edge.http("/hello") + ": refused: the origin address 127.0.0.1 port " + edge.port()
                + " is this edge's own listener");
    }

    @Test
    void anOriginThatRefusesTheUpgradeGivesAResponseWithoutAWebSocket() throws Exception {
        HttpResponse<String> response = get("/refused");
        assertThat(response.body()).isEqualTo("403 refused by origin\n");
        assertThat(seen).containsExactly("refused: 403 null");
    }

    @Test
    void theBridgeCarriesMessagesBothWays() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/bridge"));
        client.socket.sendText("hello, origin", true).join();
        assertThat(client.next()).isEqualTo("text:hello, origin");
        client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        assertThat(client.nextBinary()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        client.socket.sendText("headers", true).join();
        assertThat(client.next()).as("the origin saw a WebSocket handshake for its own host")
                .contains("host: 127.0.0.1:" + jetty.port()).contains("upgrade: websocket").contains("sec-websocket-version: 13");
        client.socket.sendClose(1000, "done").join();
        assertThat(client.next()).isEqualTo("close:1000 done");
        assertThat(jetty.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("1000 done");
    }

    @Test
    void theClientsCloseCodeReachesTheOrigin() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/bridge"));
        client.socket.sendText("ping?", true).join();
        assertThat(client.next()).isEqualTo("text:ping?");
        client.socket.sendClose(4002, "client says bye").join();
        assertThat(jetty.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("4002 client says bye");
        assertThat(client.next()).isEqualTo("close:4002 client says bye");
    }

    @Test
    void theOriginsCloseCodesReachTheClient() throws Exception {
        for (String close : List.of("4001 origin says bye", "1001 origin going away", "1011 origin failed")) {
            WsClient client = WsClient.connect(edge.ws("/bridge"));
            client.socket.sendText("close " + close, true).join();
            assertThat(client.next()).isEqualTo("close:" + close);
            assertThat(jetty.closes.poll(10, TimeUnit.SECONDS)).isEqualTo(close);
        }
    }

    @Test
    void anOriginThatDropsTheConnectionClosesTheClientWith1011() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/bridge"));
        client.socket.sendText("die", true).join();
        assertThat(client.next()).isEqualTo("close:1011 the origin's connection was lost");
    }

    @Test
    void aSubprotocolTheOriginChoseReachesTheClient() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/bridge"), "chat");
        assertThat(client.socket.getSubprotocol()).isEqualTo("chat");
        client.socket.sendClose(1000, "").join();
        assertThat(client.next()).startsWith("close:1000");
    }

    @Test
    void aWorkerReturnsTheFetchedWebSocketAsItIsAndTheEdgeJoinsTheTwo() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/pass"));
        client.socket.sendText("straight through", true).join();
        assertThat(client.next()).isEqualTo("text:straight through");
        client.socket.sendText("close 4003 from the origin", true).join();
        assertThat(client.next()).isEqualTo("close:4003 from the origin");

        WsClient closing = WsClient.connect(edge.ws("/pass"));
        closing.socket.sendText("before the client's close", true).join();
        assertThat(closing.next()).isEqualTo("text:before the client's close");
        closing.socket.sendClose(4001, "the client leaves").join();
        assertThat(closing.next()).as("the origin's answer to the client's close, through the joined connections")
                .isEqualTo("close:4001 the client leaves");

        WsClient dropped = WsClient.connect(edge.ws("/pass"));
        dropped.socket.sendText("die", true).join();
        assertThat(dropped.next()).as("the origin dropped its connection: the client's is dropped too").startsWith("close:1006");
    }

    @Test
    void anOriginThatRefusesTheBridgesUpgradeAnswersTheClient() throws Exception {
        edge.close();
        edge = TestEdge.fromYaml(YAML, config -> name -> name.equals("bridge")
                ? new Script("bridge", new BridgeWorker(), Env.of(Map.of("ORIGIN", "http://127.0.0.1:" + jetty.port() + "/not-a-socket")))
                : null);
        Throwable refused = catchThrowable(() -> WsClient.connect(edge.ws("/bridge")));
        assertThat(refused).hasCauseInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(403);
        HttpResponse<String> hint = get("/bridge");
        assertThat(hint.statusCode()).isEqualTo(426);
        assertThat(hint.body()).contains("/not-a-socket");
    }
}
