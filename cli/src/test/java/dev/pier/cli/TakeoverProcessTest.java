package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.demo.EchoOrigin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Zero-downtime upgrade, end to end with two real Pier processes: clients keep exchanging
 * messages while a second `pier serve` takes over; new connections land on the new process;
 * every message is echoed in order, none lost or duplicated; the old process exits once its
 * last connection has closed.
 */
class TakeoverProcessTest {

    final ExecutorService threads = Executors.newCachedThreadPool();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    Process serve(Path dir, Path config, String name) throws IOException {
        return PierProcesses.start(dir, name, "serve", "--config", config.toString());
    }

    static void awaitListening(int port) throws InterruptedException {
        PierProcesses.awaitListening(port);
    }

    /**
     * Holds a loopback port for the two processes' configuration: a socket bound to it with
     * SO_REUSEPORT that does not listen. Pier binds its listener beside it (with SO_REUSEPORT,
     * as for any takeover), only listening sockets get connections, and nothing else can be
     * given the port meanwhile, as it could if the test found a free port and let it go before
     * the first process started. The takeover needs a port fixed in the file both processes
     * are started with, so the first process cannot simply take any port.
     */
    static SocketChannel reservePort() throws IOException {
        SocketChannel holder = SocketChannel.open();
        try {
            holder.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return holder;
        } catch (IOException | RuntimeException e) {
            holder.close();
            throw e;
        }
    }

    /** Waits up to 120 s (a JVM starts slowly on a busy machine) for the pid file to name {@code pid}, failing after that. */
    static void awaitPidFile(Path pidFile, long pid) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!pidIn(pidFile).equals(Long.toString(pid))) {
            if (System.nanoTime() - deadline >= 0) {
                assertThat(pidIn(pidFile)).as("the pid in " + pidFile + " after 120 s").isEqualTo(Long.toString(pid));
            }
            Thread.sleep(100);
        }
    }

    /** The pid a pid file names, or "" while there is none. */
    static String pidIn(Path pidFile) throws IOException {
        try {
            return Files.readString(pidFile).trim();
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    /** Waits for a line containing {@code text} in a process's output file, failing after {@code within}. */
    static void awaitLine(Path file, String text, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!Files.readString(file).contains(text)) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("no line with \"" + text + "\" in " + file + " within " + within + ":\n" + Files.readString(file));
            }
            Thread.sleep(50);
        }
    }

    /** A client that sends numbered messages and checks each echo, in order, until stopped. */
    CompletableFuture<Integer> chatter(int port, AtomicBoolean stop) throws Exception {
        return Chatter.start(http, URI.create("ws://127.0.0.1:" + port + "/"), stop, threads);
    }

    @Test
    void aSecondProcessTakesOverWithoutLosingAMessage(@TempDir Path dir) throws Exception {
        try (SocketChannel reserved = reservePort(); EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            int port = ((InetSocketAddress) reserved.getLocalAddress()).getPort();
            Path config = Files.writeString(dir.resolve("pier.yaml"), """
                    listeners:
                      - address: 127.0.0.1:%d
                    request_log: "-"
                    zones:
                      - name: 127.0.0.1
                        dns_records:
                          - { type: A, name: 127.0.0.1, content: 127.0.0.1 }
                        rulesets:
                          - phase: http_request_origin
                            rules:
                              - { expression: 'http.host eq "127.0.0.1"', action: route, action_parameters: { origin: { port: %d } } }
                    """.formatted(port, origin.port()));
            Process old = serve(dir, config, "old");
            Process next = null;
            try {
                awaitListening(port);
                Path pidFile = Path.of(config + ".pid");
                awaitPidFile(pidFile, old.pid()); // else the new process would find no one to take over from
                AtomicBoolean stop = new AtomicBoolean();
                List<CompletableFuture<Integer>> chats = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    chats.add(chatter(port, stop));
                }
                Thread.sleep(500);

                next = serve(dir, config, "next");
                awaitPidFile(pidFile, next.pid()); // the new process writes it once it listens and has told the old one
                // Once the old process has closed its listener, a new connection can only reach the new one.
                awaitLine(dir.resolve("old.err"), "Stopped accepting on /127.0.0.1:" + port + ";", Duration.ofSeconds(60));

                AtomicBoolean once = new AtomicBoolean(true);
                CompletableFuture<Integer> fresh = chatter(port, once); // sends nothing, closes at once
                assertThat(fresh.get(10, TimeUnit.SECONDS)).isZero();
                assertThat(old.isAlive()).as("the old process keeps serving its WebSockets").isTrue();

                Thread.sleep(1000); // the old connections keep chatting through the hand-over
                stop.set(true);
                for (CompletableFuture<Integer> chat : chats) {
                    assertThat(chat.get(30, TimeUnit.SECONDS)).isGreaterThan(10);
                }
                assertThat(old.waitFor(60, TimeUnit.SECONDS)).as("the old process exits after its last connection").isTrue();
                assertThat(old.exitValue()).as(Files.readString(dir.resolve("old.err"))).isZero();
                assertThat(Files.readAllLines(dir.resolve("old.out"))).hasSize(4); // the four chatters' records
                for (int i = 0; i < 50 && Files.readAllLines(dir.resolve("next.out")).isEmpty(); i++) {
                    Thread.sleep(100);
                }
                assertThat(Files.readAllLines(dir.resolve("next.out"))).as("the new connection landed on the new process").hasSize(1);
            } finally {
                old.destroy();
                if (next != null) {
                    next.destroy();
                    assertThat(next.waitFor(20, TimeUnit.SECONDS)).isTrue();
                }
                threads.shutdownNow();
            }
        }
    }

    /**
     * examples/pier.yaml as shipped, with its two ports (listener and admin) moved to free ones
     * and its {@code localhost} zone let through to a test echo origin: a second process takes
     * over both ports under traffic, with the zones from the file or from a PostgreSQL store.
     */
    @ParameterizedTest(name = "zones from {0}")
    @ValueSource(strings = {"the file", "PostgreSQL"})
    void theExampleConfigurationIsTakenOverUnderTraffic(String zones, @TempDir Path dir) throws Exception {
        String schema = "pier_takeover_" + UUID.randomUUID().toString().replace("-", "");
        try (SocketChannel reservedPort = reservePort(); SocketChannel reservedAdmin = reservePort();
                EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            int port = ((InetSocketAddress) reservedPort.getLocalAddress()).getPort();
            int adminPort = ((InetSocketAddress) reservedAdmin.getLocalAddress()).getPort();
            String example = Files.readString(Path.of("../examples/pier.yaml"));
            String yaml = example.replace("address: 127.0.0.1:8080", "address: 127.0.0.1:" + port)
                    .replace("address: 127.0.0.1:8081", "address: 127.0.0.1:" + adminPort)
                    .replace("websockets: off", "websockets: on")
                    .replace("origin: { port: 9000 }", "origin: { port: " + origin.port() + " }");
            assertThat(yaml).as("every rewrite found its line in examples/pier.yaml")
                    .doesNotContain(":8080").doesNotContain(":8081").doesNotContain("websockets: off").doesNotContain("9000");
            Path config = Files.writeString(dir.resolve("pier.yaml"), yaml);
            List<String> args = new ArrayList<>(List.of("serve", "--config", config.toString()));
            // with a store, /metrics takes an API token with Analytics Read; with the file alone it takes none
            String metricsToken = null;
            if (zones.equals("PostgreSQL")) {
                String server = "jdbc:postgresql://127.0.0.1:5432/test";
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(server, "postgres", "")) {
                    c.createStatement().execute("CREATE SCHEMA " + schema);
                }
                String store = server + "?user=postgres&currentSchema=" + schema;
                try (dev.pier.control.store.Store s = dev.pier.control.store.JdbcStore.postgres(store, null, null, dev.pier.control.store.StoreKeys.none())) {
                    dev.pier.control.StoredZones.importYaml(config, s, "test");
                    metricsToken = new dev.pier.control.api.ControlApi(s).credentials().issueToken("prometheus",
                            java.util.Set.of(dev.pier.control.api.Permission.ANALYTICS_READ), java.util.Set.of(), "test");
                }
                args.addAll(List.of("--store", store));
            }
            Process old = PierProcesses.start(dir, "old", args.toArray(String[]::new));
            Process next = null;
            try {
                Path pidFile = Path.of(config + ".pid");
                awaitPidFile(pidFile, old.pid());
                AtomicBoolean stop = new AtomicBoolean();
                List<CompletableFuture<Integer>> chats = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    chats.add(Chatter.start(http, URI.create("ws://localhost:" + port + "/"), stop, threads));
                }
                Thread.sleep(500);

                next = PierProcesses.start(dir, "next", args.toArray(String[]::new));
                awaitPidFile(pidFile, next.pid());
                awaitLine(dir.resolve("old.err"), "Stopped accepting on /127.0.0.1:" + port + "; admin listener /127.0.0.1:" + adminPort
                        + " closed;", Duration.ofSeconds(60));
                AtomicBoolean once = new AtomicBoolean(true);
                assertThat(Chatter.start(http, URI.create("ws://localhost:" + port + "/"), once, threads).get(10, TimeUnit.SECONDS)).isZero();
                // the admin port is the new process's alone: its metrics count only the connection just made
                HttpRequest.Builder scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"));
                if (metricsToken != null) {
                    scrape.header("Authorization", "Bearer " + metricsToken);
                }
                HttpResponse<String> metrics = http.send(scrape.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).containsPattern("pier_websocket_upgrades_total\\{[^}]*zone=\"localhost\"[^}]*} 1(\\.0)?\\n");
                assertThat(old.isAlive()).as("the old process keeps serving its WebSockets").isTrue();

                Thread.sleep(1000);
                stop.set(true);
                for (CompletableFuture<Integer> chat : chats) {
                    assertThat(chat.get(30, TimeUnit.SECONDS)).isGreaterThan(10);
                }
                assertThat(old.waitFor(60, TimeUnit.SECONDS)).as("the old process exits after its last connection").isTrue();
                assertThat(old.exitValue()).as(Files.readString(dir.resolve("old.err"))).isZero();
                assertThat(Files.readString(dir.resolve("next.err"))).doesNotContain("Address already in use");
            } finally {
                old.destroy();
                if (next != null) {
                    next.destroy();
                    assertThat(next.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                if (zones.equals("PostgreSQL")) {
                    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
                        c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    }
                }
            }
        }
    }

    /**
     * A new process that cannot start (its file does not load, a port it needs is held by a
     * program that does not share it, its store cannot be reached) exits with the reason, never
     * signals the running process, and takes none of its connections: new connections made to
     * both of its ports all the while are every one answered, and its WebSockets keep going.
     */
    @Test
    void aNewProcessThatCannotStartLeavesTheOldOneServing(@TempDir Path dir) throws Exception {
        try (SocketChannel reservedPort = reservePort(); SocketChannel reservedAdmin = reservePort();
                EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0);
                ServerSocket foreign = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = ((InetSocketAddress) reservedPort.getLocalAddress()).getPort();
            int adminPort = ((InetSocketAddress) reservedAdmin.getLocalAddress()).getPort();
            String zone = """
                    request_log: "-"
                    zones:
                      - name: 127.0.0.1
                        dns_records:
                          - { type: A, name: 127.0.0.1, content: 127.0.0.1 }
                        rulesets:
                          - phase: http_request_origin
                            rules:
                              - { expression: 'http.host eq "127.0.0.1"', action: route, action_parameters: { origin: { port: %d } } }
                    """.formatted(origin.port());
            Path config = Files.writeString(dir.resolve("pier.yaml"), """
                    listeners:
                      - address: 127.0.0.1:%d
                    admin:
                      address: 127.0.0.1:%d
                    """.formatted(port, adminPort) + zone);
            Path pidFile = Path.of(config + ".pid");
            Process old = serve(dir, config, "old");
            try {
                awaitPidFile(pidFile, old.pid());
                AtomicBoolean stop = new AtomicBoolean();
                List<CompletableFuture<Integer>> chats = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    chats.add(chatter(port, stop));
                }
                CompletableFuture<Integer> hammer = CompletableFuture.supplyAsync(() -> {
                    int answered = 0;
                    while (!stop.get()) {
                        // a connection of its own each time: each is a chance to land on a listener of the new process
                        assertThat(exchange(port, "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                                .startsWith("HTTP/1.1 200").contains("Pier demo echo origin");
                        assertThat(exchange(adminPort, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                                .startsWith("HTTP/1.1 200");
                        answered++;
                    }
                    return answered;
                }, threads);

                Path broken = Files.writeString(dir.resolve("broken.yaml"), "listeners:\n  - address: nowhere\n");
                Path unbindable = Files.writeString(dir.resolve("unbindable.yaml"), """
                        listeners:
                          - address: 127.0.0.1:%d
                          - address: 127.0.0.1:%d
                        admin:
                          address: 127.0.0.1:%d
                        """.formatted(port, foreign.getLocalPort(), adminPort) + zone);
                String[][] attempts = {
                        {"serve", "--config", broken.toString(), "--pid-file", pidFile.toString()},
                        {"serve", "--config", unbindable.toString(), "--pid-file", pidFile.toString()},
                        {"serve", "--config", config.toString(), "--store", "jdbc:postgresql://127.0.0.1:1/none?user=pier"},
                };
                String[] reasons = {"address", "127.0.0.1:" + foreign.getLocalPort() + " cannot be bound", "store: cannot open"};
                for (int i = 0; i < attempts.length; i++) {
                    Process next = PierProcesses.start(dir, "next" + i, attempts[i]);
                    assertThat(next.waitFor(120, TimeUnit.SECONDS)).isTrue();
                    assertThat(next.exitValue()).as(Files.readString(dir.resolve("next" + i + ".err"))).isEqualTo(1);
                    assertThat(Files.readString(dir.resolve("next" + i + ".err"))).contains(reasons[i]).doesNotContain("Listening on");
                }
                stop.set(true);
                assertThat(hammer.get(30, TimeUnit.SECONDS)).isPositive();
                for (CompletableFuture<Integer> chat : chats) {
                    assertThat(chat.get(30, TimeUnit.SECONDS)).isGreaterThan(10);
                }
                assertThat(pidIn(pidFile)).isEqualTo(Long.toString(old.pid()));
                assertThat(old.isAlive()).isTrue();
                assertThat(Files.readString(dir.resolve("old.err"))).doesNotContain("took over").doesNotContain("Stopped accepting");
            } finally {
                old.destroy();
                assertThat(old.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** Sends {@code request} on a new connection and returns everything the server answered until it closed. */
    static String exchange(int port, String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AssertionError("a new connection to port " + port + " failed: " + e, e);
        }
    }
}
