package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.demo.EchoOrigin;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
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
                AtomicBoolean stop = new AtomicBoolean();
                List<CompletableFuture<Integer>> chats = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    chats.add(chatter(port, stop));
                }
                Thread.sleep(500);

                next = serve(dir, config, "next");
                Path pidFile = Path.of(config + ".pid");
                long nextPid = next.pid();
                for (int i = 0; i < 300 && !Files.readString(pidFile).trim().equals(Long.toString(nextPid)); i++) {
                    Thread.sleep(100); // the new process writes its pid once it listens and has told the old one
                }
                assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(nextPid));
                Thread.sleep(500);

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
