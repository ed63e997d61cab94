package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.cli.JavaScriptLoader;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.WorkerRuntime;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JavaScript Worker's limits through a real edge: a request that loops forever, spends its CPU
 * time in turns between timers, or builds a memory bomb gets Cloudflare's error 1102 while
 * well-behaved requests to the same node go on, the
 * record says {@code exceededCpu} / {@code exceededMemory}, the node's {@code /metrics} counts it,
 * and the script goes on serving.
 */
class JavaScriptLimitsTest {

    static final String SCRIPT = """
            let served = 0;
            export default {
              async fetch(request, env) {
                const path = new URL(request.url).pathname;
                served++;
                if (path === '/limits/loop') { while (true) { } }
                if (path === '/limits/turns') {
                  // 150 ms of busy wall time a turn, a timer between turns: no turn reaches cpu_ms 500, the request does
                  for (let turn = 0; turn < 60; turn++) {
                    const until = Date.now() + 150;
                    while (Date.now() < until) { }
                    await new Promise((resolve) => setTimeout(resolve, 1));
                  }
                  return new Response('not stopped');
                }
                if (path === '/bomb/it') { const a = []; while (true) a.push(new Array(1e6).fill(0)); }
                if (path === '/limits/storm') {
                  const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => fetch(`${env.ORIGIN}/${i}`)));
                  return Response.json(results.map((r) => r.status === 'fulfilled' ? r.value.status : r.reason.message));
                }
                if (path.endsWith('/work')) { let s = 0; for (let i = 0; i < 1e5; i++) s += i; return new Response(String(s)); }
                return new Response(`served ${served}`);
              }
            };
            """;

    @TempDir
    Path dir;
    TestEdge edge;

    /** The origin the fetch storm goes to: answers 200 and counts. */
    HttpServer origin;
    final AtomicInteger originRequests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", exchange -> {
            originRequests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        origin.start();
        Files.writeString(Files.createDirectories(dir.resolve("limits")).resolve("worker.js"), SCRIPT);
        // the second script (bomb) has the same code with a long CPU limit: its memory limit is what stops it
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                workers:
                  - name: limits
                    main_module: %1$s/limits/worker.js
                    limits: { cpu_ms: 500, memory: 64MiB, subrequests: 5 }
                    vars: { ORIGIN: "http://127.0.0.1:%2$d" }
                  - name: bomb
                    main_module: %1$s/limits/worker.js
                    limits: { cpu_ms: 60000, memory: 64MiB }
                zones:
                  - name: localhost
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/limits/*", script: limits }
                      - { pattern: "localhost/bomb/*", script: bomb }
                """.formatted(dir, origin.getAddress().getPort());
        WorkerRuntime runtime = new WorkerRuntime(getClass().getClassLoader(), List.of(new JavaScriptLoader()));
        edge = TestEdge.fromYaml(yaml, config -> runtime.deploy(config.workers(), config.durableObjects()));
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        origin.stop(0);
    }

    @Test
    void aRequestThatLoopsForeverGets1102WhileOthersAreServedAndTheScriptGoesOn() throws Exception {
        assertThat(get("/limits/work").body()).isEqualTo("4999950000"); // warm: the contexts exist
        edge.drainLogs(java.time.Duration.ofMillis(200));
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> runaway = getAsync("/limits/loop");
        Thread.sleep(100);
        List<Long> others = new ArrayList<>();
        while (!runaway.isDone() && others.size() < 20) {
            long t = System.nanoTime();
            HttpResponse<String> ok = get("/limits/work");
            others.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("4999950000");
        }
        HttpResponse<String> stopped = runaway.get(60, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("runaway stopped after %d ms (cpu_ms 500); requests meanwhile: %s ms%n", tookMillis, others);

        assertThat(stopped.statusCode()).isEqualTo(503);
        assertThat(stopped.body()).contains("1102").contains("Worker exceeded resource limits");
        assertThat(tookMillis).isGreaterThanOrEqualTo(500);
        assertThat(others).as("well-behaved requests served while the runaway ran").isNotEmpty();
        assertThat(logOf("/limits/loop").workerStatus()).isEqualTo("exceededCpu");

        for (int i = 0; i < 4; i++) {
            assertThat(get("/limits/work").body()).as("the script keeps working").isEqualTo("4999950000");
        }
        assertThat(metrics()).contains("pier_worker_limits_exceeded_total{limit=\"cpu\",script=\"limits\"} 1.0")
                .contains("pier_worker_limits_exceeded_total{limit=\"memory\",script=\"limits\"} 0.0");
        assertThat(edge.edge.usage().worker("limits").exceptions()).isZero();
    }

    @Test
    void aRequestWhoseTurnsSumPastItsCpuLimitGets1102() throws Exception {
        assertThat(get("/limits/work").body()).isEqualTo("4999950000");
        edge.drainLogs(java.time.Duration.ofMillis(200));
        HttpResponse<String> stopped = getAsync("/limits/turns").get(60, TimeUnit.SECONDS);
        assertThat(stopped.statusCode()).isEqualTo(503);
        assertThat(stopped.body()).contains("1102").contains("Worker exceeded resource limits");
        assertThat(logOf("/limits/turns").workerStatus()).isEqualTo("exceededCpu");
        assertThat(get("/limits/work").body()).as("the script keeps working").isEqualTo("4999950000");
        assertThat(metrics()).contains("pier_worker_limits_exceeded_total{limit=\"cpu\",script=\"limits\"} 1.0");
    }

    @Test
    void aMemoryBombGets1102AndTheNodeStaysHealthy() throws Exception {
        CompletableFuture<HttpResponse<String>> bomb = getAsync("/bomb/it");
        HttpResponse<String> stopped = bomb.get(120, TimeUnit.SECONDS);
        assertThat(stopped.statusCode()).isEqualTo(503);
        assertThat(stopped.body()).contains("1102");
        assertThat(logOf("/bomb/it").workerStatus()).isEqualTo("exceededMemory");
        System.gc();
        for (int i = 0; i < 4; i++) {
            assertThat(get("/bomb/work").body()).isEqualTo("4999950000");
        }
        assertThat(metrics()).contains("pier_worker_limits_exceeded_total{limit=\"memory\",script=\"bomb\"} 1.0")
                .contains("pier_worker_limits_exceeded_total{limit=\"cpu\",script=\"bomb\"} 0.0");
    }

    @Test
    void aFetchStormGetsTooManySubrequestsPastTheLimitAndTheRequestGoesOn() throws Exception {
        HttpResponse<String> r = get("/limits/storm");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[200,200,200,200,200,\"Too many subrequests.\",\"Too many subrequests.\",\"Too many subrequests.\"]");
        assertThat(originRequests.get()).as("nothing sent past the limit").isEqualTo(5);
        assertThat(logOf("/limits/storm").workerStatus()).isEqualTo("ok");
        assertThat(get("/limits/storm").body()).as("the next request has its own 5").startsWith("[200,200,200,200,200,");
        assertThat(metrics()).contains("pier_worker_limits_exceeded_total{limit=\"subrequests\",script=\"limits\"} 2.0");
    }

    private RequestLog logOf(String path) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            RequestLog log = edge.nextLog();
            if (path.equals(log.clientRequestUri())) {
                return log;
            }
        }
        throw new AssertionError("no record of " + path);
    }

    private String metrics() throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.edge.adminAddress().getPort() + "/metrics")).build())
                .body();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(edge.http(path))).build());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return WsClient.HTTP.sendAsync(HttpRequest.newBuilder(URI.create(edge.http(path))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return WsClient.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
