package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.Certificates;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier demo} as real processes: a second demo on the same data folder takes over from a
 * running one (its admin listener, TLS listener, echo origin and embedded store included) while
 * WebSockets keep exchanging messages; and on SIGTERM the demo's WebSockets get 1001, because
 * the edge drains before the echo origin beside it stops.
 */
class DemoProcessTest {

    final ExecutorService threads = Executors.newCachedThreadPool();
    final HttpClient http = HttpClient.newHttpClient();
    final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
    }

    Process demo(String name, String... ports) throws Exception {
        Process p = PierProcesses.start(dir, name, "demo", "--data", dir.resolve("data").toString(),
                "--port", ports[0], "--tls-port", ports[1], "--admin-port", ports[2], "--origin-port", ports[3]);
        processes.add(p);
        return p;
    }

    /** The API token a demo printed in its banner once it listened; waits up to 120 s for it. */
    String token(String name) throws Exception {
        Pattern line = Pattern.compile("API token: (\\S+)");
        for (int i = 0; i < 1200; i++) {
            Matcher m = line.matcher(Files.readString(dir.resolve(name + ".out")));
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no API token in " + name + ".out: " + Files.readString(dir.resolve(name + ".err")));
    }

    HttpResponse<String> api(int adminPort, String token, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/client/v4" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSecondDemoTakesOverEveryListenerAndTheStoreWithoutLosingAMessage() throws Exception {
        List<SocketChannel> reserved = new ArrayList<>();
        try {
            String[] ports = new String[4]; // edge, TLS, admin, echo origin: fixed, as the takeover needs
            for (int i = 0; i < 4; i++) {
                reserved.add(TakeoverProcessTest.reservePort());
                ports[i] = Integer.toString(((InetSocketAddress) reserved.get(i).getLocalAddress()).getPort());
            }
            int port = Integer.parseInt(ports[0]);
            int tlsPort = Integer.parseInt(ports[1]);
            int adminPort = Integer.parseInt(ports[2]);
            Path pidFile = dir.resolve("data/demo.yaml.pid");

            Process old = demo("old", ports);
            String oldToken = token("old");
            // issue 10, medium 6: the data folder holds the store, its key and the demo's TLS key: its owner's alone
            Path data = dir.resolve("data");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
            try (var files = Files.list(data)) {
                assertThat(files.toList()).extracting(f -> f.getFileName() + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                        .contains("pier-store.mv.db rw-------", "pier-store.lock.db rw-------", "store.key rw-------",
                                "localhost.key rw-------", "demo.yaml rw-------", "durable-objects rwx------")
                        .allSatisfy(entry -> assertThat(entry).matches(".* (rw-------|rwx------)"));
            }
            TakeoverProcessTest.awaitPidFile(pidFile, old.pid());
            HttpClient tls = HttpClient.newBuilder()
                    .sslContext(DemoTest.trusting(Certificates.read(dir.resolve("data/localhost.pem")).get(0))).build();
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<Integer>> chats = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                chats.add(Chatter.start(http, URI.create("ws://localhost:" + port + "/"), stop, threads));
                chats.add(Chatter.start(tls, URI.create("wss://localhost:" + tlsPort + "/"), stop, threads));
            }
            Thread.sleep(500);

            Process next = demo("next", ports);
            TakeoverProcessTest.awaitPidFile(pidFile, next.pid());
            // From this line on the old process listens nowhere: new connections reach the new one.
            TakeoverProcessTest.awaitLine(dir.resolve("old.err"), "Stopped accepting on /127.0.0.1:" + port + ", /127.0.0.1:" + tlsPort
                    + "; admin listener /127.0.0.1:" + adminPort + " closed;", Duration.ofSeconds(60));
            String token = token("next");
            assertThat(token).isNotEqualTo(oldToken);
            AtomicBoolean once = new AtomicBoolean(true);
            assertThat(Chatter.start(http, URI.create("ws://localhost:" + port + "/"), once, threads).get(10, TimeUnit.SECONDS)).isZero();
            assertThat(Chatter.start(tls, URI.create("wss://localhost:" + tlsPort + "/"), once, threads).get(10, TimeUnit.SECONDS)).isZero();

            // The new process's API, on the admin port it took over, reads and writes the store the old one still has open.
            String zoneId = api(adminPort, token, "GET", "/zones?name=localhost", null).body()
                    .replaceAll("(?s).*\"id\"\\s*:\\s*\"([0-9a-f]{32})\".*", "$1");
            assertThat(zoneId).matches("[0-9a-f]{32}");
            HttpResponse<String> patched = api(adminPort, token, "PATCH", "/zones/" + zoneId + "/settings/websocket_idle_timeout", "{\"value\":120}");
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
            assertThat(old.isAlive()).as("the old process keeps serving its WebSockets").isTrue();

            Thread.sleep(1000); // the old connections keep chatting through the hand-over
            stop.set(true);
            for (CompletableFuture<Integer> chat : chats) {
                assertThat(chat.get(30, TimeUnit.SECONDS)).isGreaterThan(10);
            }
            assertThat(old.waitFor(60, TimeUnit.SECONDS)).as("the old process exits after its last connection").isTrue();
            assertThat(old.exitValue()).as(Files.readString(dir.resolve("old.err"))).isZero();
            assertThat(Files.readString(dir.resolve("next.err"))).doesNotContain("Address already in use");

            // With the old process gone, the new one opens the store file itself and goes on.
            HttpResponse<String> afterwards = null;
            for (int i = 0; i < 100; i++) {
                afterwards = api(adminPort, token, "PATCH", "/zones/" + zoneId + "/settings/websocket_idle_timeout", "{\"value\":130}");
                if (afterwards.statusCode() == 200) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(afterwards.statusCode()).as(afterwards.body()).isEqualTo(200);
            assertThat(api(adminPort, token, "GET", "/zones/" + zoneId + "/settings/websocket_idle_timeout", null).body()).contains("130");
            assertThat(Chatter.start(http, URI.create("ws://localhost:" + port + "/"), once, threads).get(10, TimeUnit.SECONDS)).isZero();
        } finally {
            for (SocketChannel r : reserved) {
                r.close();
            }
        }
    }

    /**
     * The demo's metrics take the API token it prints: the scrape line of its banner works as
     * printed (with the port the listener got), a scrape without the token or with the previous
     * one gets 401, and a page under another host name gets nothing from the admin listener. The
     * demo's analytics store counts the request in the GraphQL Analytics API.
     */
    @Test
    void theBannersScrapeLineWorksAndNothingElseReadsTheMetrics() throws Exception {
        demo("demo", "0", "0", "0", "0");
        String token = token("demo");
        int adminPort = PierProcesses.loggedPort(dir, "demo", "Admin listener on");
        int port = PierProcesses.loggedPort(dir, "demo", "Listening on");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200); // a request for the metrics to count
        Matcher scrapeLine = Pattern.compile("curl -s http://127\\.0\\.0\\.1:\\d+/metrics -H \"Authorization: Bearer (\\S+)\"")
                .matcher(Files.readString(dir.resolve("demo.out")));
        assertThat(scrapeLine.find()).as("the banner prints how to scrape").isTrue();
        assertThat(scrapeLine.group(1)).isEqualTo(token);
        HttpRequest.Builder metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"));
        HttpResponse<String> scraped = http.send(metrics.copy().header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).containsPattern("pier_requests_total\\{zone=\"localhost\"} 1");
        HttpResponse<String> anonymous = http.send(metrics.copy().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate")).contains("Bearer realm=\"pier metrics\"");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + adminPort + "/dashboard/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        // the demo keeps its records in the analytics store: GraphQL counts the request (shipped about a second later)
        String query = "{\"query\":\"{ viewer { zones { httpRequestsAdaptiveGroups(limit: 10, filter: {datetime_geq: \\\""
                + java.time.Instant.now().minusSeconds(3600) + "\\\", clientRequestPath: \\\"/hello\\\"}) { count } } } }\"}";
        HttpRequest graphql = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/client/v4/graphql"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(query)).build();
        String counted = "";
        for (int i = 0; i < 100 && !counted.contains("\"count\":1"); i++) {
            Thread.sleep(i == 0 ? 0 : 200);
            counted = http.send(graphql, HttpResponse.BodyHandlers.ofString()).body();
        }
        assertThat(counted).as("the demo's GraphQL Analytics API").contains("\"httpRequestsAdaptiveGroups\":[{\"count\":1}]");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", adminPort)) {
            s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).startsWith("HTTP/1.1 421")
                    .doesNotContain("pier_");
        }
    }

    /**
     * On SIGTERM the edge drains before the echo origin beside it stops. Idle WebSockets get
     * 1001; a WebSocket whose client reads slowly while a 48 MiB message comes back from the
     * origin gets the whole message, then 1001: the edge waits for the frame's end, and the
     * origin is still there to send the rest. Were the origin stopped first, most of the
     * message (still in its buffers) would be lost and the client would see the origin go away.
     */
    @Test
    void sigtermClosesTheDemosWebSocketsWith1001BeforeItsOriginStops() throws Exception {
        Process demo = demo("demo", "0", "0", "0", "0");
        int port = PierProcesses.loggedPort(dir, "demo", "Listening on");
        token("demo"); // printed once every listener is bound
        List<BlockingQueue<String>> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://localhost:" + port + "/"), DemoTest.recorder(events))
                    .get(10, TimeUnit.SECONDS);
            ws.sendText("hello", true).join();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("text:hello");
            idle.add(events);
        }
        SlowReader slow = new SlowReader();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://localhost:" + port + "/"), slow).get(10, TimeUnit.SECONDS);
        int size = 48 << 20;
        ws.sendBinary(ByteBuffer.allocate(size), true).get(60, TimeUnit.SECONDS);
        assertThat(slow.firstPart.await(60, TimeUnit.SECONDS)).as("the echo starts coming back").isTrue();

        demo.destroy(); // SIGTERM, while the echo is stuck in the buffers behind the paused reader
        Thread.sleep(2000);
        slow.resume();
        assertThat(slow.events.poll(60, TimeUnit.SECONDS)).isEqualTo("binary:" + size);
        assertThat(slow.events.poll(20, TimeUnit.SECONDS)).isEqualTo("close:1001 edge is restarting");
        for (BlockingQueue<String> events : idle) {
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo("close:1001 edge is restarting");
        }
        assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // the edge closed every one of them (not the origin, not a cut): the request log says who closed and how
        List<String> webSockets = Files.readAllLines(dir.resolve("data/requests.ndjson")).stream()
                .filter(l -> l.contains("\"WebSocket\":true")).toList();
        assertThat(webSockets).hasSize(4).allSatisfy(record -> assertThat(record)
                .contains("\"WebSocketCloseCode\":1001").contains("\"WebSocketClosedBy\":\"edge\""));
    }

    /**
     * Counts a binary message's bytes as they come; after the first part it asks for no more
     * until {@link #resume}, so the rest waits in the edge's and the origin's buffers.
     */
    static final class SlowReader implements WebSocket.Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final CountDownLatch firstPart = new CountDownLatch(1);
        private long received;
        private boolean paused = true;
        private WebSocket waiting;

        @Override
        public synchronized CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            received += data.remaining();
            if (last) {
                events.add("binary:" + received);
                received = 0;
            }
            firstPart.countDown();
            if (paused) {
                waiting = ws;
            } else {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            events.add("close:" + code + " " + reason);
            return null;
        }

        synchronized void resume() {
            paused = false;
            if (waiting != null) {
                waiting.request(1);
                waiting = null;
            }
        }
    }
}
