package dev.pier.cli;

import dev.pier.cli.demo.EchoOrigin;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.edge.transport.PortReservation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pier train}: the training run of the launcher's AOT cache ({@code ./pier aot},
 * docs/OPERATIONS.md). It serves a node of every kind of route in this process (plain and TLS
 * listeners, the managed WAF ruleset and a custom rule, a rate limit, the request log, an echo
 * origin, a Java Worker and a JavaScript Worker with a Durable Object), sends it HTTP requests
 * and WebSocket upgrades with an echo each for a while, and exits. Run under
 * {@code -XX:AOTCacheOutput}, the JVM then keeps the classes it loaded and the profiles of the
 * methods it ran, so that a later {@code pier serve} or {@code pier demo} starts with them.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Serve a throwaway node and send it every kind of request for a while (the AOT cache's training run).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "20", description = "How long the requests go on (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--clients", defaultValue = "8", description = "Clients sending at once (default: ${DEFAULT-VALUE}).")
    int clients;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || clients < 1) {
            throw new IllegalArgumentException("--seconds and --clients: at least 1 each");
        }
        Path dir = Files.createTempDirectory("pier-train");
        try {
            return train(dir);
        } finally {
            deleteTree(dir);
        }
    }

    private int train(Path dir) throws Exception {
        DemoCommand.ensureCertificate(dir);
        try (InputStream module = TrainCommand.class.getResourceAsStream("train/echo.js")) {
            Files.copy(module, dir.resolve("echo.js"));
        }
        int port = freePort();
        int tlsPort = freePort();
        EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0);
        Path configFile = dir.resolve("train.yaml");
        Files.writeString(configFile, config(port, tlsPort, origin.port()));
        PierConfig config = ConfigLoader.load(configFile);
        CountDownLatch started = new CountDownLatch(1);
        Thread node = Thread.ofPlatform().name("pier-train-node").daemon().start(() -> {
            try (ConfigWatcher watcher = new ConfigWatcher(configFile, false);
                    PortReservation ports = PortReservation.hold(List.of(new InetSocketAddress("127.0.0.1", port),
                            new InetSocketAddress("127.0.0.1", tlsPort)))) {
                ServeCommand.runUntilStopped(config, configFile, watcher, new Takeover(Path.of(configFile + ".pid")), ports,
                        null, Sidecar.of(origin), started::countDown);
            } catch (Exception e) {
                System.err.println("pier train: the node failed: " + e);
                started.countDown();
            }
        });
        if (!started.await(120, TimeUnit.SECONDS) || !node.isAlive()) {
            System.err.println("pier train: the node did not start");
            return 1;
        }
        Load load = new Load(port, tlsPort);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().name("pier-train-client-" + i).start(() -> {
                load.warmUp();
                load.until(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.printf("pier train: %d requests and WebSocket echoes in %d s (%d failed)%n",
                load.done.get(), seconds, load.failed.get());
        // exiting runs the node's shutdown hook: the node stops as a served one does. A run where a tenth
        // or more failed trained the error paths, not the node: the launcher then keeps no cache.
        return load.failed.get() * 10 < load.done.get() + load.failed.get() ? 0 : 1;
    }

    /**
     * The kinds of request a node serves, each sent in turn by every client until the deadline, after
     * one of each kind that is not counted and may take as long as a cold node needs: the first
     * JavaScript request on each event loop makes that loop's context, which with GraalJS's optimizing
     * compiler (itself cold) takes seconds of CPU, and the loop's other connections wait meanwhile.
     */
    private static final class Load {
        private static final Duration COUNTED = Duration.ofSeconds(10);
        private static final Duration WARM_UP = Duration.ofSeconds(120);
        final AtomicLong done = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        private final Set<String> reported = ConcurrentHashMap.newKeySet();
        private final HttpClient plain;
        private final HttpClient tls;
        private final List<URI> upgrades;
        private final List<URI> gets;

        Load(int port, int tlsPort) throws Exception {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
            // connecting may take as long as a warm-up request; a counted request gives up after its own timeout
            plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WARM_UP).build();
            tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WARM_UP).sslContext(trustAll).build();
            String ws = "ws://127.0.0.1:" + port;
            String wss = "wss://127.0.0.1:" + tlsPort;
            upgrades = List.of(URI.create(ws + "/"), URI.create(wss + "/"), URI.create(ws + "/js/worker"),
                    URI.create(ws + "/js/do/room"));
            gets = List.of(URI.create("http://127.0.0.1:" + port + "/hello?q=1"),
                    URI.create("https://127.0.0.1:" + tlsPort + "/hello"),
                    URI.create("http://127.0.0.1:" + port + "/search?q=%3Cscript%3Ealert(1)%3C/script%3E"), // the WAF blocks it
                    URI.create("http://127.0.0.1:" + port + "/blocked"), // the custom rule blocks it
                    URI.create("http://127.0.0.1:" + port + "/js/worker"), // the JavaScript Worker answers
                    URI.create("http://127.0.0.1:" + port + "/chat/lobby")); // the Java Worker's page (its joins are rate limited)
        }

        void warmUp() {
            for (URI uri : upgrades) {
                try {
                    echo(uri, WARM_UP);
                } catch (Exception e) {
                    report(uri, e);
                }
            }
            for (URI uri : gets) {
                try {
                    get(uri, WARM_UP);
                } catch (Exception e) {
                    report(uri, e);
                }
            }
        }

        void until(long deadline) {
            int i = 0;
            while (System.nanoTime() - deadline < 0) {
                URI uri = upgrades.get(i % upgrades.size());
                try {
                    echo(uri, COUNTED);
                    uri = gets.get(i % gets.size());
                    get(uri, COUNTED);
                    done.addAndGet(2);
                } catch (Exception e) {
                    failed.incrementAndGet();
                    report(uri, e);
                }
                i++;
            }
        }

        private void report(URI uri, Exception e) {
            if (reported.add(uri + " " + e.getClass().getName())) {
                System.err.println("pier train: " + uri + " failed: " + e); // once per address and kind of failure
            }
        }

        private void get(URI uri, Duration timeout) throws Exception {
            (uri.getScheme().equals("https") ? tls : plain).send(HttpRequest.newBuilder(uri).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        private void echo(URI uri, Duration timeout) throws Exception {
            echo(uri.getScheme().equals("wss") ? tls : plain, uri, timeout);
        }

        /** Opens a WebSocket, sends one message, waits for its echo, and closes. */
        private static void echo(HttpClient client, URI uri, Duration timeout) throws Exception {
            CompletableFuture<Void> echoed = new CompletableFuture<>();
            CompletableFuture<Void> closed = new CompletableFuture<>();
            WebSocket socket = client.newWebSocketBuilder().connectTimeout(timeout)
                    .buildAsync(uri, new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            echoed.complete(null);
                            webSocket.request(1); // and then the close
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            closed.complete(null);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            echoed.completeExceptionally(error);
                            closed.completeExceptionally(error);
                        }
                    }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                socket.sendText("training", true);
                echoed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                socket.abort(); // the connection is closed whether or not the close handshake finished
            }
        }
    }

    /** The training node's certificate is its own self-signed one; nothing else is contacted. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }


    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    static String config(int port, int tlsPort, int originPort) {
        return """
                listeners:
                  - address: 127.0.0.1:%1$d
                  - address: 127.0.0.1:%2$d
                    tls: on
                tls:
                  default_certificate: { certificate: localhost.pem, key: localhost.key }
                  unknown_sni: default
                request_log: requests.ndjson
                durable_objects:
                  storage: objects
                workers:
                  - name: chat
                    class: dev.pier.examples.workers.ChatWorker
                    durable_objects:
                      - { binding: ROOMS, class: dev.pier.examples.workers.ChatRoom }
                      - { binding: LIMITERS, class: dev.pier.examples.workers.RateLimiter }
                  - name: echo-js
                    main_module: echo.js
                    compatibility_date: "2026-11-01"
                    durable_objects:
                      - { binding: ROOM, class: Room }
                zones:
                  - name: 127.0.0.1
                    settings:
                      websockets: on
                      security_header: { strict_transport_security: { enabled: true, max_age: 300, nosniff: true } }
                    dns_records:
                      - { type: A, name: 127.0.0.1, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "127.0.0.1/chat/*", script: chat }
                      - { pattern: "127.0.0.1/js/*", script: echo-js }
                    rulesets:
                      - phase: http_request_origin
                        rules:
                          - { expression: 'http.host eq "127.0.0.1"', action: route, action_parameters: { origin: { port: %3$d } } }
                      - phase: http_request_firewall_custom
                        rules:
                          - { expression: 'http.request.uri.path eq "/blocked"', action: block }
                      - phase: http_ratelimit
                        rules:
                          - expression: any(http.request.headers["upgrade"][*] eq "websocket")
                            action: block
                            ratelimit: { characteristics: [cf.colo.id, ip.src], period: 10, requests_per_period: 1000000 }
                      - phase: http_request_firewall_managed
                        rules:
                          - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }
                """.formatted(port, tlsPort, originPort);
    }
}
