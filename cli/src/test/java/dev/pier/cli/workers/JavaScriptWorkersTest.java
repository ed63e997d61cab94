package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * JavaScript module Workers through a real edge, deployed by the runtime as {@code pier serve}
 * deploys them: a hello Worker, a JSON API, a page imported as a text module, the example echo
 * WebSocket Worker (examples/workers-js/echo), and scripts that throw while loading or per request.
 */
class JavaScriptWorkersTest {

    /**
     * This test's own client, whose requests share kept-alive connections only with each other: two
     * POSTs on one connection are what showed the edge closing it under a Worker's answer.
     */
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    static final Path EXAMPLE = Path.of("../examples/workers-js/echo/worker.js").toAbsolutePath().normalize();

    static final String HELLO = """
            export default {
              fetch(request, env) {
                return new Response(`Hello from JavaScript, ${env.WHO}!`);
              }
            };
            """;

    static final String API = """
            const items = [];
            export default {
              async fetch(request) {
                const url = new URL(request.url);
                if (url.pathname !== '/api/items') {
                  return Response.json({ error: `no route ${request.method} ${url.pathname}` }, { status: 404 });
                }
                if (request.method === 'POST') {
                  const item = await request.json();
                  if (typeof item.name !== 'string') return Response.json({ error: 'name: expected a string' }, { status: 400 });
                  items.push({ id: items.length + 1, name: item.name, tag: url.searchParams.get('tag') });
                  return Response.json(items[items.length - 1], { status: 201, headers: { location: `/api/items/${items.length}` } });
                }
                return Response.json({ items, count: items.length });
              }
            };
            """;

    static final String PAGE = """
            import html from './page.html';
            export default {
              fetch() {
                return new Response(html, { headers: { 'content-type': 'text/html;charset=UTF-8' } });
              }
            };
            """;

    static final String THROWS_PER_REQUEST = """
            export default {
              fetch(request) {
                if (request.url.endsWith('/ok')) return new Response('ok');
                throw new Error('cannot serve ' + new URL(request.url).pathname);
              }
            };
            """;

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

    TestEdge start() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("hello")).resolve("worker.js"), HELLO);
        Files.writeString(Files.createDirectories(dir.resolve("api")).resolve("index.mjs"), API);
        Files.writeString(Files.createDirectories(dir.resolve("page")).resolve("worker.js"), PAGE);
        Files.writeString(dir.resolve("page/page.html"), "<!doctype html><h1>Über \"Pier\"</h1>\n");
        Files.writeString(Files.createDirectories(dir.resolve("throws")).resolve("worker.js"), THROWS_PER_REQUEST);
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                workers:
                  - { name: hello, main_module: %1$s/hello/worker.js, compatibility_date: "2025-01-01", vars: { WHO: Pier } }
                  - { name: api, main_module: %1$s/api/index.mjs }
                  - { name: page, main_module: %1$s/page/worker.js }
                  - { name: throws, main_module: %1$s/throws/worker.js }
                  - { name: echo, main_module: %2$s, vars: { HINT: "connect" } }
                zones:
                  - name: localhost
                    settings:
                      websockets: on
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/hello", script: hello }
                      - { pattern: "localhost/api/*", script: api }
                      - { pattern: "localhost/page", script: page }
                      - { pattern: "localhost/throws/*", script: throws }
                      - { pattern: "localhost/echo*", script: echo }
                """.formatted(dir, EXAMPLE);
        node = WorkersNode.javaScript(yaml, null);
        edge = node.edge;
        return edge;
    }

    @Test
    void aHelloWorkerAnswersWithItsVarAndItsRecordNamesIt() throws Exception {
        start();
        HttpResponse<String> r = get("/hello");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Hello from JavaScript, Pier!");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain;charset=UTF-8");
        RequestLog log = edge.nextLog();
        assertThat(log.workerScriptName()).isEqualTo("hello");
        assertThat(log.workerStatus()).isEqualTo("ok");
        assertThat(edge.edge.usage().worker("hello").requests()).isEqualTo(1);
    }

    @Test
    void aJsonApiWorkerReadsBodiesAndAnswersJsonWithStatuses() throws Exception {
        start();
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(edge.http("/api/items?tag=a%20b")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"rope\"}")).header("content-type", "application/json").build());
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).isEqualTo("{\"id\":1,\"name\":\"rope\",\"tag\":\"a b\"}");
        assertThat(created.headers().firstValue("location")).hasValue("/api/items/1");
        assertThat(created.headers().firstValue("content-type")).hasValue("application/json");
        HttpResponse<String> bad = send(HttpRequest.newBuilder(URI.create(edge.http("/api/items")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": 3}")).build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("{\"error\":\"name: expected a string\"}");
        assertThat(get("/api/items").body()).isEqualTo("{\"items\":[{\"id\":1,\"name\":\"rope\",\"tag\":\"a b\"}],\"count\":1}");
        HttpResponse<String> missing = get("/api/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"no route GET /api/nothing\"}");
    }

    @Test
    void aPageImportedAsATextModuleIsServedAsItIs() throws Exception {
        start();
        HttpResponse<String> r = get("/page");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("<!doctype html><h1>Über \"Pier\"</h1>\n");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/html;charset=UTF-8");
        assertThat(get("/echo").body()).contains("<title>Echo</title>").contains("<p>connect</p>");
    }

    @Test
    void theEchoWorkerEchoesManyTextAndBinaryMessagesAndClosesWithTheCodeAsked() throws Exception {
        start();
        WsClient client = WsClient.connect(edge.ws("/echo"));
        for (int i = 0; i < 200; i++) {
            client.socket.sendText("message " + i + " ✓", true).join();
            byte[] bytes = {(byte) i, 0, (byte) 0xff, 42};
            client.socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
        }
        for (int i = 0; i < 200; i++) {
            assertThat(client.next()).isEqualTo("text:message " + i + " ✓");
            assertThat(client.nextBinary()).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) i, 0, (byte) 0xff, 42}));
        }
        client.socket.sendText("close 4001 bye now", true).join();
        assertThat(client.next()).isEqualTo("close:4001 bye now");
        RequestLog log = edge.nextLog();
        assertThat(log.webSocket()).isTrue();
        assertThat(log.workerScriptName()).isEqualTo("echo");
        assertThat(log.webSocketClientMessages()).isEqualTo(401);
        assertThat(log.webSocketOriginMessages()).isEqualTo(400);
        assertThat(log.webSocketCloseCode()).isEqualTo(4001);
        assertThat(edge.edge.usage().worker("echo").messagesIn()).isEqualTo(401);

        WsClient large = WsClient.connect(edge.ws("/echo"));
        byte[] big = new byte[4 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        large.socket.sendBinary(ByteBuffer.wrap(big), true).join();
        assertThat(large.nextBinary(java.time.Duration.ofSeconds(30))).isEqualTo(ByteBuffer.wrap(big));
        String text = "ü€𝄞".repeat(100_000);
        large.socket.sendText(text, true).join();
        assertThat(large.next(java.time.Duration.ofSeconds(30))).isEqualTo("text:" + text);
        large.socket.sendClose(1000, "").join();
        assertThat(large.next()).isEqualTo("close:1000 ");
        assertThat(edge.nextLog().webSocketClientMessages()).isEqualTo(2);

        WsClient second = WsClient.connect(edge.ws("/echo"));
        second.socket.sendText("hi", true).join();
        assertThat(second.next()).isEqualTo("text:hi");
        second.socket.sendClose(1000, "done").join();
        assertThat(second.next()).isEqualTo("close:1000 done");
        assertThat(edge.nextLog().webSocketCloseCode()).isEqualTo(1000);
    }

    @Test
    void aCloseWithACodeNoEndpointMaySendFailsTheWorkersHandlerAndTheSocketClosesWith1011() throws Exception {
        start();
        WsClient client = WsClient.connect(edge.ws("/echo"));
        client.socket.sendText("close 1005 not allowed", true).join();
        assertThat(client.next()).isEqualTo("close:1011 the Worker threw an exception");
    }

    @Test
    void aScriptThatThrowsPerRequestAnswers500AndTheLogHasItsError() throws Exception {
        start();
        Logger logger = (Logger) LoggerFactory.getLogger("dev.pier.edge.http.ErrorLog");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            HttpResponse<String> r = get("/throws/here");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("1101").doesNotContain("cannot serve");
            assertThat(edge.nextLog().workerStatus()).isEqualTo("exception");
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("worker throws").contains("Error: cannot serve /throws/here").contains("worker.js:4"));
        assertThat(get("/throws/ok").body()).isEqualTo("ok");
    }

    @Test
    void aScriptThatThrowsWhileLoadingFailsTheStartWithItsMessageAndLine() throws Exception {
        Files.writeString(dir.resolve("broken.js"), "export default { fetch() {} };\nconst config = JSON.parse('{oops');\n");
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                workers:
                  - { name: broken, main_module: %s/broken.js }
                zones:
                  - name: localhost
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                """.formatted(dir);
        assertThatThrownBy(() -> WorkersNode.javaScript(yaml, null))
                .hasMessageContaining("workers: broken: " + dir.resolve("broken.js") + " cannot be deployed: the main module failed to load: "
                        + "SyntaxError: Unexpected token o in JSON")
                .hasMessageContaining("broken.js:2");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(edge.http(path))).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
