package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.workers.Env;
import dev.pier.workers.Fetch;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.ResourceLimitException.Limit;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU time and memory limits: an invocation that loops forever, or spends its CPU time over
 * several turns, and a call that takes memory without end are stopped by the watchdog, fail with the
 * limit they broke, and the script's next request runs in a fresh context; each WebSocket event is an
 * invocation of its own. The test JVM runs with -Xmx512m (workers-js's pom): a memory bomb left alone
 * would end it.
 */
class LimitsTest {

    @TempDir
    Path dir;

    static final String SCRIPT = """
            let served = 0;
            let hold = [];
            export default {
              async fetch(request) {
                const path = new URL(request.url).pathname;
                served++;
                if (path === '/loop') { while (true) { } }
                if (path === '/await-loop') { while (true) { await null; } }
                if (path === '/catch-loop') { while (true) { try { while (true) { } } catch (e) { hold.push(e); } } }
                if (path === '/bomb') { const a = []; while (true) a.push(new Array(1e6).fill(0)); }
                if (path === '/sparse-bomb') { const a = []; while (true) a.push(new Array(1e6)); }
                if (path === '/wait') { await new Promise(() => { }); }
                if (path === '/turns') {
                  // 150 ms of busy wall time per turn (at most that much CPU time), each turn after an await of a timer or a fetch
                  const via = new URL(request.url).searchParams.get('via');
                  for (let turn = 1; turn <= 40; turn++) {
                    const until = Date.now() + 150;
                    while (Date.now() < until) { }
                    if (via === 'fetch') await fetch('https://origin.example/');
                    else await new Promise((resolve) => setTimeout(resolve, 1));
                  }
                  return new Response('not stopped');
                }
                if (path === '/sleep') { await new Promise((resolve) => setTimeout(resolve, 1)); return new Response('slept'); }
                if (path === '/work') { let s = 0; for (let i = 0; i < 2e5; i++) s += i; return new Response(String(s)); }
                if (path === '/garbage') {
                  let n = 0;
                  for (let i = 0; i < 40; i++) n += new Array(1e6).fill(i).length;  // 40 x 8 MB, none of it kept
                  return new Response(String(n));
                }
                if (path === '/ws') {
                  const [client, server] = Object.values(new WebSocketPair());
                  server.accept();
                  server.addEventListener('message', (event) => {
                    if (event.data === 'loop') { while (true) { } }
                    if (event.data === 'busy') { const until = Date.now() + 150; while (Date.now() < until) { } }
                    server.send(`served ${served}`);
                  });
                  return new Response(null, { status: 101, webSocket: client });
                }
                return new Response(`served ${served}`);
              }
            };
            """;

    JsWorker worker(JsLimits limits) {
        Scripts.write(dir, Map.of("worker.js", SCRIPT));
        try {
            return (JsWorker) JsWorkers.load("limits", dir.resolve("worker.js"), limits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ResourceLimitException limitOf(JsWorker worker, String path, long seconds) throws Exception {
        CompletableFuture<Response> answer = worker.fetch(Request.get("https://example.com" + path), Env.of(Map.of()), Scripts.NO_CTX)
                .toCompletableFuture();
        try {
            answer.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ResourceLimitException.class);
            return (ResourceLimitException) e.getCause();
        }
        throw new AssertionError(path + " was not stopped");
    }

    @Test
    void aLoopThatNeverEndsIsStoppedAfterItsCpuTimeAndTheNextRequestGetsAFreshContext() throws Exception {
        JsWorker worker = worker(new JsLimits(300, JsLimits.DEFAULT.memoryBytes(), 50));
        assertThat(Scripts.get(worker, "https://example.com/").text()).isEqualTo("served 1");
        assertThat(Scripts.get(worker, "https://example.com/").text()).isEqualTo("served 2");
        JsRealm before = worker.realm();

        long started = System.nanoTime();
        ResourceLimitException stopped = limitOf(worker, "/loop", 30);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(stopped.limit()).isEqualTo(Limit.CPU);
        assertThat(stopped.getMessage()).startsWith("Worker exceeded CPU time limit: the invocation ran ")
                .endsWith(" ms of CPU time (expected: at most cpu_ms 300)");
        assertThat(tookMillis).as("CPU time, not wall time: at least the limit").isGreaterThanOrEqualTo(300);
        assertThat(before.stopped()).isTrue();
        long fresh = System.nanoTime();
        assertThat(Scripts.get(worker, "https://example.com/").text()).as("a fresh context: module state starts over")
                .isEqualTo("served 1");
        System.out.printf("stopped after %d ms of wall time (%s); the next request, in a fresh context, took %d ms%n", tookMillis,
                stopped.getMessage(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fresh));
        assertThat(worker.realm()).isNotSameAs(before);
    }

    @Test
    void anInvocationsCpuTimeIsSummedOverItsTurnsAfterTimersAndFetches() throws Exception {
        Fetch.Host origin = (request, redirect) -> CompletableFuture.supplyAsync(() -> new Response("ok"),
                CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
        Fetch.Host.install(origin);
        try {
            JsWorker worker = worker(new JsLimits(300, JsLimits.DEFAULT.memoryBytes(), 50));
            for (String via : List.of("timer", "fetch")) {
                ResourceLimitException stopped = limitOf(worker, "/turns?via=" + via, 60);
                assertThat(stopped.limit()).isEqualTo(Limit.CPU);
                assertThat(stopped.getMessage()).as("no turn alone reaches 300 ms: the sum does")
                        .startsWith("Worker exceeded CPU time limit: the invocation ran ").endsWith("(expected: at most cpu_ms 300)");
                assertThat(Scripts.get(worker, "https://example.com/").text()).isEqualTo("served 1");
                assertThat(Scripts.get(worker, "https://example.com/sleep").text()).as("timers still run").isEqualTo("slept");
            }
        } finally {
            Fetch.Host.uninstall(origin);
        }
    }

    @Test
    void eachWebSocketEventIsAnInvocationOfItsOwn() throws Exception {
        JsWorker worker = worker(new JsLimits(300, JsLimits.DEFAULT.memoryBytes(), 50));
        List<String> sent = new CopyOnWriteArrayList<>();
        WebSocket client = socket(worker, sent);
        for (int i = 0; i < 6; i++) {
            WebSocket.Host.received(client, "busy"); // 6 x 150 ms of wall time, each event under 300 ms of CPU time
        }
        assertThat(sent).hasSize(6).allMatch(m -> m.equals("served 1"));
        assertThat(worker.realm().stopped()).isFalse();
    }

    @Test
    void awaitingInALoopAndCatchingInALoopAreStoppedToo() throws Exception {
        JsWorker worker = worker(new JsLimits(200, JsLimits.DEFAULT.memoryBytes(), 50));
        assertThat(limitOf(worker, "/await-loop", 30).limit()).isEqualTo(Limit.CPU);
        assertThat(limitOf(worker, "/catch-loop", 30).limit()).isEqualTo(Limit.CPU);
        assertThat(Scripts.get(worker, "https://example.com/work").text()).isEqualTo("19999900000");
    }

    @Test
    void aMainModuleThatNeverEndsFailsTheDeploy() {
        Scripts.write(dir, Map.of("forever.js", "while (true) { }\nexport default { fetch() { return new Response('x'); } };"));
        assertThatThrownBy(() -> JsWorkers.load("forever", dir.resolve("forever.js"), new JsLimits(300, JsLimits.DEFAULT.memoryBytes(), 50)))
                .isInstanceOf(ResourceLimitException.class).hasMessageStartingWith("Worker exceeded CPU time limit");
    }

    @Test
    void workUnderTheLimitIsNotStopped() throws Exception {
        JsWorker worker = worker(new JsLimits(5_000, JsLimits.DEFAULT.memoryBytes(), 50));
        for (int i = 0; i < 3; i++) {
            assertThat(Scripts.get(worker, "https://example.com/work").text()).isEqualTo("19999900000");
        }
    }

    @Test
    void aMemoryBombIsStoppedBeforeTheHeapRunsOut() throws Exception {
        JsWorker worker = worker(new JsLimits(120_000, 64L * 1024 * 1024, 50));
        ResourceLimitException stopped = limitOf(worker, "/bomb", 120);
        assertThat(stopped.limit()).isEqualTo(Limit.MEMORY);
        System.out.println("the bomb (-Xmx512m): " + stopped.getMessage());
        assertThat(stopped.getMessage()).startsWith("Worker exceeded memory limit: one call kept ").endsWith(" MiB (expected: at most 64 MiB)");
        System.gc();
        assertThat(Scripts.get(worker, "https://example.com/").text()).isEqualTo("served 1");

        // GraalJS makes new Array(1e6) without its elements: the bomb as people write it grows more slowly, and is stopped too
        assertThat(limitOf(worker, "/sparse-bomb", 120).limit()).isEqualTo(Limit.MEMORY);
        assertThat(Scripts.get(worker, "https://example.com/").text()).isEqualTo("served 1");
    }

    @Test
    void garbageIsNotMemoryKept() throws Exception {
        JsWorker worker = worker(new JsLimits(120_000, 64L * 1024 * 1024, 50));
        for (int i = 0; i < 2; i++) {
            assertThat(Scripts.get(worker, "https://example.com/garbage").text()).isEqualTo("40000000");
        }
        assertThat(worker.realm().stopped()).isFalse();
    }

    @Test
    void aRequestWaitingInTheStoppedContextFailsAndSaysWhy() throws Exception {
        JsWorker worker = worker(new JsLimits(300, JsLimits.DEFAULT.memoryBytes(), 50));
        CompletableFuture<Response> waiting = worker.fetch(Request.get("https://example.com/wait"), Env.of(Map.of()), Scripts.NO_CTX)
                .toCompletableFuture();
        assertThat(waiting).isNotDone();
        assertThat(limitOf(worker, "/loop", 30).limit()).isEqualTo(Limit.CPU);
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(ScriptError.class)
                .hasMessageStartingWith("the Worker's context was discarded while this request waited: another call in it broke a limit "
                        + "(Worker exceeded CPU time limit");
    }

    @Test
    void aWebSocketListenerThatLoopsIsStoppedAndItsSocketsContextIsDiscarded() throws Exception {
        JsWorker worker = worker(new JsLimits(300, JsLimits.DEFAULT.memoryBytes(), 50));
        List<String> sent = new CopyOnWriteArrayList<>();
        WebSocket client = socket(worker, sent);
        WebSocket.Host.received(client, "hi");
        assertThat(sent).containsExactly("served 1");
        assertThatThrownBy(() -> WebSocket.Host.received(client, "loop"))
                .satisfies(e -> assertThat(ResourceLimitException.of(e)).isEqualTo(Limit.CPU));
        assertThat(Scripts.get(worker, "https://example.com/").text()).isEqualTo("served 1");
    }

    /** The client's end of a WebSocket the script accepted at /ws; what the script sends it lands in {@code sent}. */
    static WebSocket socket(JsWorker worker, List<String> sent) throws Exception {
        Response r = Scripts.call(worker, new Request("GET", "https://example.com/ws", Headers.of("upgrade", "websocket"), null));
        WebSocket client = r.webSocket();
        WebSocket.Host.attach(client, new WebSocket.Transport() {
            @Override
            public void send(String text) {
                sent.add(text);
            }

            @Override
            public void send(byte[] bytes) {
            }

            @Override
            public void close(int code, String reason) {
                sent.add("close " + code);
            }
        });
        return client;
    }
}
