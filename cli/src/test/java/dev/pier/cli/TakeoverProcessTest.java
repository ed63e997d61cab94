package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.demo.EchoOrigin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero-downtime upgrade, end to end with two real Pier processes: clients keep exchanging
 * messages while a second `pier serve` takes over; new connections land on the new process;
 * every message is echoed in order, none lost or duplicated; the old process exits once its
 * last connection has closed.
 */
class TakeoverProcessTest {

    final ExecutorService threads = Executors.newCachedThreadPool();
    final HttpClient http = HttpClient.newHttpClient();

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

    /** Waits up to 30 s for the pid file to name {@code pid}, failing after that. */
    static void awaitPidFile(Path pidFile, long pid) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!pidIn(pidFile).equals(Long.toString(pid))) {
            if (System.nanoTime() - deadline >= 0) {
                assertThat(pidIn(pidFile)).as("the pid in " + pidFile + " after 30 s").isEqualTo(Long.toString(pid));
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
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/"),
                DemoTest.recorder(events)).get(10, TimeUnit.SECONDS);
        return CompletableFuture.supplyAsync(() -> {
            try {
                int n = 0;
                while (!stop.get()) {
                    ws.sendText("n" + n, true).join();
                    String echo = events.poll(10, TimeUnit.SECONDS);
                    if (!("text:n" + n).equals(echo)) {
                        throw new AssertionError("message n" + n + " came back as " + echo);
                    }
                    n++;
                    Thread.sleep(5);
                }
                ws.sendClose(1000, "done").join();
                String close = events.poll(10, TimeUnit.SECONDS);
                if (close == null || !close.startsWith("close:1000")) {
                    throw new AssertionError("expected a normal close, got " + close);
                }
                return n;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, threads);
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
                awaitLine(dir.resolve("old.err"), "Stopped accepting on /127.0.0.1:" + port + ";", Duration.ofSeconds(15));

                AtomicBoolean once = new AtomicBoolean(true);
                CompletableFuture<Integer> fresh = chatter(port, once); // sends nothing, closes at once
                assertThat(fresh.get(10, TimeUnit.SECONDS)).isZero();
                assertThat(old.isAlive()).as("the old process keeps serving its WebSockets").isTrue();

                Thread.sleep(1000); // the old connections keep chatting through the hand-over
                stop.set(true);
                for (CompletableFuture<Integer> chat : chats) {
                    assertThat(chat.get(30, TimeUnit.SECONDS)).isGreaterThan(10);
                }
                assertThat(old.waitFor(20, TimeUnit.SECONDS)).as("the old process exits after its last connection").isTrue();
                assertThat(old.exitValue()).isZero();
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
}
