package dev.pier.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.ConfigLoader;
import dev.pier.edge.Edge;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin listener's connection handling: request order, and clients that stall. */
class AdminListenerTest {

    Edge edge;

    /** A route that answers slowly, so a request pipelined behind it could overtake it. */
    static final AdminRoute SLOW = new AdminRoute() {
        @Override
        public String prefix() {
            return "/slow";
        }

        @Override
        public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Response(200, "text/plain", ("slow " + uri + "\n").getBytes(StandardCharsets.UTF_8));
        }
    };

    @BeforeEach
    void start() throws Exception {
        Path dir = Files.createTempDirectory("pier-admin-test");
        edge = Edge.start(ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                request_log: requests.ndjson
                timeouts:
                  request_head: 1s
                zones: []
                """, dir), log -> { }, List.of(SLOW));
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    private Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", edge.adminAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET /slow/first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /slow/third HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answers = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int first = answers.indexOf("slow /slow/first");
            int metrics = answers.indexOf("text/plain; version=0.0.4");
            int third = answers.indexOf("slow /slow/third");
            assertThat(first).isNotNegative();
            assertThat(metrics).isGreaterThan(first);
            assertThat(third).isGreaterThan(metrics);
            assertThat(answers).contains("x-content-type-options: nosniff");
        }
    }

    @Test
    void aStalledBodyGets408AndTheConnectionIsClosed() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /slow/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60000\r\n\r\n" + "x".repeat(1000))
                    .getBytes(StandardCharsets.ISO_8859_1));
            long started = System.nanoTime();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1); // ends at the close
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(500L, 5_000L);
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheRequestTimeoutEvenAfterAnAnswer() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            long started = System.nanoTime();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // keep-alive: ends only at the close
            assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("408");
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(500L, 5_000L);
        }
    }

    @Test
    void aStalledHeadIsClosedToo() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /metr".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408");
        }
    }
}
