package dev.pier.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.edge.Edge;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} names every zone: with {@code admin.metrics_token_file} (or a store's API
 * tokens) it is served only to a request carrying an accepted bearer token, as Prometheus sends
 * it; any other gets 401 with a Bearer challenge and no metric.
 */
class MetricsTokenTest {

    static final String ZONE = "secret-zone.example";
    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String API_TOKEN = "api-token-with-analytics-read-0001";

    @TempDir
    Path dir;
    Edge edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    PierConfig config(String adminExtra) {
        return ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                %s
                request_log: requests.ndjson
                zones: []
                """.formatted(adminExtra), dir);
    }

    void start(String adminExtra, MetricsReaders readers) throws IOException {
        Files.writeString(dir.resolve("metrics.token"), TOKEN + "\n");
        edge = Edge.start(config(adminExtra), log -> { }, List.of(), readers);
        edge.usage().zone(ZONE).request();
    }

    String exchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", edge.adminAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    String scrape(String authorization) throws IOException {
        return exchange("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "Connection: close\r\n\r\n");
    }

    @Test
    void withATokenFileMetricsNeedTheToken() throws Exception {
        start("  metrics_token_file: metrics.token", null);
        assertThat(scrape(null)).startsWith("HTTP/1.1 401").containsIgnoringCase("www-authenticate: Bearer realm=\"pier metrics\"\r\n")
                .doesNotContain(ZONE).doesNotContain("pier_requests_total");
        assertThat(scrape("Bearer wrong-token-0123456789abcdef")).startsWith("HTTP/1.1 401")
                .containsIgnoringCase("www-authenticate: Bearer realm=\"pier metrics\", error=\"invalid_token\"").doesNotContain(ZONE);
        assertThat(scrape("Bearer " + TOKEN + "x")).startsWith("HTTP/1.1 401").doesNotContain(ZONE);
        assertThat(scrape("Bearer " + TOKEN.substring(1))).startsWith("HTTP/1.1 401").doesNotContain(ZONE);
        assertThat(scrape("Basic " + java.util.Base64.getEncoder().encodeToString(("x:" + TOKEN).getBytes(StandardCharsets.UTF_8))))
                .startsWith("HTTP/1.1 401").doesNotContain(ZONE);
        assertThat(scrape("Bearer " + TOKEN)).startsWith("HTTP/1.1 200").contains("pier_requests_total{zone=\"" + ZONE + "\"} 1");
        assertThat(scrape("bearer " + TOKEN)).as("the scheme is case-insensitive (RFC 9110 §11.1)").startsWith("HTTP/1.1 200");
        // the other routes and methods of the path
        assertThat(exchange("POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 405").doesNotContain(ZONE);
        assertThat(exchange("GET /metrics/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
    }

    @Test
    void aNodeWithNoTokenToCheckServesMetricsToAnyone() throws Exception {
        start("", null);
        assertThat(scrape(null)).startsWith("HTTP/1.1 200").contains(ZONE);
        assertThat(scrape("Bearer anything-at-all-0123456789")).startsWith("HTTP/1.1 200");
    }

    @Test
    void aStoresApiTokensAreAcceptedAndMakeATokenNecessaryWithoutAFile() throws Exception {
        start("", API_TOKEN::equals);
        assertThat(scrape(null)).startsWith("HTTP/1.1 401").doesNotContain(ZONE);
        assertThat(scrape("Bearer " + TOKEN)).startsWith("HTTP/1.1 401").doesNotContain(ZONE); // no file: not a token here
        assertThat(scrape("Bearer " + API_TOKEN)).startsWith("HTTP/1.1 200").contains(ZONE);
    }

    @Test
    void theFilesTokenAndTheApisBothWork() throws Exception {
        start("  metrics_token_file: metrics.token", API_TOKEN::equals);
        assertThat(scrape("Bearer " + TOKEN)).startsWith("HTTP/1.1 200").contains(ZONE);
        assertThat(scrape("Bearer " + API_TOKEN)).startsWith("HTTP/1.1 200").contains(ZONE);
        assertThat(scrape("Bearer neither-of-them-0123456789")).startsWith("HTTP/1.1 401");
    }

    @Test
    void aTokenThatCannotBeCheckedIs503WithNoMetric() throws Exception {
        start("", token -> {
            throw new IllegalStateException("the store is unavailable");
        });
        assertThat(scrape("Bearer " + API_TOKEN)).startsWith("HTTP/1.1 503").doesNotContain(ZONE).doesNotContain("unavailable");
    }

    @Test
    void aReloadRotatesTheToken() throws Exception {
        start("  metrics_token_file: metrics.token", null);
        String next = "fedcba9876543210fedcba9876543210";
        Files.writeString(dir.resolve("metrics.token"), next);
        edge.reload(config("  metrics_token_file: metrics.token"));
        assertThat(scrape("Bearer " + TOKEN)).startsWith("HTTP/1.1 401");
        assertThat(scrape("Bearer " + next)).startsWith("HTTP/1.1 200");
    }

    @Test
    void aReloadThatDropsTheAdminSectionKeepsTheTokenTheListenerStartedWith() throws Exception {
        start("  metrics_token_file: metrics.token", null);
        edge.reload(ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1:0
                request_log: requests.ndjson
                zones: []
                """, dir));
        assertThat(scrape(null)).startsWith("HTTP/1.1 401").doesNotContain(ZONE); // still bound until the restart, still guarded
        assertThat(scrape("Bearer " + TOKEN)).startsWith("HTTP/1.1 200").contains(ZONE);
    }

    /**
     * All {@link AdminConnections#MAX} connections are taken by eight addresses; every one but
     * two has scraped with the token. A newcomer needs room: it is made by closing one of the two
     * that did not sign in (one sent a wrong token), never one that scraped with the token.
     */
    @Test
    void aConnectionThatScrapedWithTheTokenIsKeptWhenRoomIsMade() throws Exception {
        start("  metrics_token_file: metrics.token", null);
        List<Socket> sockets = new ArrayList<>();
        int wrong = 100;
        int silent = 200;
        try {
            for (int i = 0; i < AdminConnections.MAX; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress("127.0.0." + (10 + i / AdminConnections.MAX_PER_CLIENT), 0));
                s.connect(edge.adminAddress(), 5_000);
                s.setSoTimeout(10_000);
                sockets.add(s);
            }
            for (int i = 0; i < sockets.size(); i++) {
                if (i != silent) {
                    assertThat(keptAliveScrape(sockets.get(i), i == wrong ? "not-the-token-0123456789" : TOKEN))
                            .startsWith(i == wrong ? "HTTP/1.1 401" : "HTTP/1.1 200");
                }
            }
            long started = System.nanoTime();
            try (Socket newcomer = new Socket("127.0.0.1", edge.adminAddress().getPort())) {
                newcomer.setSoTimeout(10_000);
                assertThat(keptAliveScrape(newcomer, TOKEN)).startsWith("HTTP/1.1 200");
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
            int closed = 0;
            for (int i = 0; i < sockets.size(); i++) {
                if (i == wrong || i == silent) {
                    continue;
                }
                assertThat(keptAliveScrape(sockets.get(i), TOKEN)).as("connection %d signed in", i).startsWith("HTTP/1.1 200");
            }
            for (int i : new int[] {wrong, silent}) {
                sockets.get(i).setSoTimeout(2_000);
                try {
                    if (keptAliveScrape(sockets.get(i), TOKEN).isEmpty()) {
                        closed++;
                    }
                } catch (IOException e) {
                    closed++; // reset: closed
                }
            }
            assertThat(closed).isEqualTo(1);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** One scrape on a kept-alive connection: the answer's head and body, or "" when the connection was closed. */
    private static String keptAliveScrape(Socket s, String token) throws IOException {
        s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertThat(length.find()).isTrue();
        return head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }
}
