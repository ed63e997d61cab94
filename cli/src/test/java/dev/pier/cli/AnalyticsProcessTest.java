package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.store.AnalyticsQuery;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.Dimension;
import dev.pier.analytics.store.Retention;
import dev.pier.analytics.store.TrafficRow;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier serve} with an {@code analytics} block: every request's record goes both to the
 * request log and to the embedded store beside the file, and a graceful stop ships what was
 * waiting.
 */
class AnalyticsProcessTest {

    private static final int REQUESTS = 25;

    @Test
    void requestsReachTheLogAndTheStore(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("pier.yaml"), """
                listeners:
                  - address: 127.0.0.1:0
                request_log: requests.ndjson
                zones:
                  - name: example.com
                    dns_records:
                      - { type: A, name: example.com, content: 127.0.0.1 }
                analytics: {}
                """);
        Instant start = Instant.now().minusSeconds(1);
        Process pier = PierProcesses.start(dir, "pier", "serve", "--config", config.toString());
        try {
            int port = PierProcesses.loggedPort(dir, "pier", "Listening on");
            for (int i = 0; i < REQUESTS; i++) {
                request(port, "/page/" + (i % 3));
            }
        } finally {
            pier.destroy(); // SIGTERM: the node ships or spools what waits before it exits
            pier.waitFor();
        }
        assertThat(Files.readAllLines(dir.resolve("requests.ndjson"))).hasSize(REQUESTS);
        try (AnalyticsStore store = AnalyticsStore.open("analytics.duckdb", dir, Retention.DEFAULT)) {
            List<TrafficRow> paths = store.traffic(AnalyticsQuery.builder("example.com", start, Instant.now().plus(Duration.ofMinutes(1)))
                    .groupBy(Dimension.PATH).orderBy(AnalyticsQuery.Order.by(Dimension.PATH, false)).build());
            assertThat(paths).extracting(r -> r.dimensions().get(Dimension.PATH)).containsExactly("/page/0", "/page/1", "/page/2");
            assertThat(paths.stream().mapToLong(TrafficRow::requests).sum()).isEqualTo(REQUESTS);
        }
    }

    /**
     * A second process takes over from the first: the DuckDB file is the first one's until it
     * exits, so the second spools meanwhile, then opens the store; every record of both is stored once.
     */
    @Test
    void aHandOverKeepsEveryRecord(@TempDir Path dir) throws Exception {
        try (java.nio.channels.SocketChannel reserved = TakeoverProcessTest.reservePort()) {
            int port = ((java.net.InetSocketAddress) reserved.getLocalAddress()).getPort();
            Path config = Files.writeString(dir.resolve("pier.yaml"), """
                    listeners:
                      - address: 127.0.0.1:%d
                    request_log: "-"
                    zones:
                      - name: example.com
                        dns_records:
                          - { type: A, name: example.com, content: 127.0.0.1 }
                    analytics: {}
                    """.formatted(port));
            Instant start = Instant.now().minusSeconds(1);
            Process old = PierProcesses.start(dir, "old", "serve", "--config", config.toString());
            Process next = null;
            try {
                TakeoverProcessTest.awaitListening(port);
                Path pidFile = Path.of(config + ".pid");
                TakeoverProcessTest.awaitPidFile(pidFile, old.pid());
                for (int i = 0; i < REQUESTS; i++) {
                    request(port, "/old");
                }
                next = PierProcesses.start(dir, "next", "serve", "--config", config.toString());
                TakeoverProcessTest.awaitPidFile(pidFile, next.pid());
                assertThat(old.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the old process exits").isTrue();
                for (int i = 0; i < REQUESTS; i++) {
                    request(port, "/next");
                }
            } finally {
                old.destroy();
                if (next != null) {
                    next.destroy();
                    next.waitFor();
                }
            }
            try (AnalyticsStore store = AnalyticsStore.open("analytics.duckdb", dir, Retention.DEFAULT)) {
                List<TrafficRow> paths = store.traffic(AnalyticsQuery.builder("example.com", start, Instant.now().plus(Duration.ofMinutes(1)))
                        .groupBy(Dimension.PATH).orderBy(AnalyticsQuery.Order.by(Dimension.PATH, false)).build());
                assertThat(paths).extracting(r -> r.dimensions().get(Dimension.PATH), TrafficRow::requests)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("/next", (long) REQUESTS),
                                org.assertj.core.groups.Tuple.tuple("/old", (long) REQUESTS));
            }
        }
    }

    /** One request on a connection of its own; reads the answer to its end (the edge closes the connection). */
    private static void request(int port, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 "); // 403 error 1000 here (the origin would be this edge): a record all the same
        }
    }
}
