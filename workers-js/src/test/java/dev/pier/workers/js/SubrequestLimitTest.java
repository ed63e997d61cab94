package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Fetch;
import dev.pier.workers.Request;
import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloudflare's subrequest limit: each invocation may call fetch() so many times; the next one
 * rejects with "Too many subrequests." before anything is sent, and the invocation goes on. The
 * count follows the invocation across awaits (of a fetch answered later or at once, of a timer),
 * also when requests of one context interleave, and in every context of the script.
 */
class SubrequestLimitTest {

    static final String SCRIPT = """
            const target = (i) => `https://origin.example/${i}`;
            export default {
              async fetch(request) {
                const path = new URL(request.url).pathname;
                if (path === '/timer') {
                  const out = [];
                  for (let i = 0; i < 7; i++) {
                    await new Promise((resolve) => setTimeout(resolve, 1));
                    try { out.push((await fetch(target(i))).status); } catch (e) { out.push(e.message); }
                  }
                  return Response.json(out);
                }
                if (path === '/eight') {
                  const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => fetch(target(i))));
                  return Response.json(answers.map((r) => r.status));
                }
                if (path === '/storm') {
                  const results = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => fetch(target(i))));
                  return Response.json(results.map((r) => r.status === 'fulfilled' ? r.value.status : `${r.reason.name}: ${r.reason.message}`));
                }
                const out = [];
                for (let i = 0; i < 7; i++) {
                  try { out.push((await fetch(target(i))).status); } catch (e) { out.push(e.message); }
                }
                return Response.json(out);
              }
            };
            """;

    @TempDir
    Path dir;
    final List<String> sent = new CopyOnWriteArrayList<>();
    /** How the origin answers: a few ms later on another thread, as a network would, or at once (already answered, or failed). */
    enum Answer { LATER, AT_ONCE, FAILED_AT_ONCE, HELD }

    /** The answers the origin holds (Answer.HELD) until the test completes them. */
    final List<CompletableFuture<Response>> held = new CopyOnWriteArrayList<>();

    volatile Answer answer = Answer.LATER;
    final Fetch.Host origin = (request, redirect) -> {
        sent.add(request.url());
        return switch (answer) {
            case LATER -> CompletableFuture.supplyAsync(() -> new Response("ok"), CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
            case AT_ONCE -> CompletableFuture.completedFuture(new Response("ok"));
            case FAILED_AT_ONCE -> CompletableFuture.failedFuture(new IllegalStateException("refused"));
            case HELD -> {
                CompletableFuture<Response> later = new CompletableFuture<>();
                held.add(later);
                yield later;
            }
        };
    };
    final List<ResourceLimitException.Limit> exceeded = new CopyOnWriteArrayList<>();
    final ExecutionContext ctx = new ExecutionContext() {
        @Override
        public void waitUntil(java.util.concurrent.CompletionStage<?> work) {
        }

        @Override
        public void limitExceeded(ResourceLimitException.Limit limit) {
            exceeded.add(limit);
        }
    };

    @BeforeEach
    void install() {
        Fetch.Host.install(origin);
    }

    @AfterEach
    void uninstall() {
        Fetch.Host.uninstall(origin);
    }

    JsWorker worker() throws IOException {
        return worker(5);
    }

    JsWorker worker(int subrequests) throws IOException {
        Scripts.write(dir, Map.of("worker.js", SCRIPT));
        return (JsWorker) JsWorkers.load("subrequests", dir.resolve("worker.js"),
                new JsLimits(30_000, JsLimits.DEFAULT.memoryBytes(), subrequests));
    }

    CompletableFuture<Response> call(JsWorker worker, String path) {
        return worker.fetch(Request.get("https://example.com" + path), Env.of(Map.of()), ctx).toCompletableFuture();
    }

    @Test
    void theFetchPastTheLimitRejectsWithCloudflaresErrorAndSendsNothing() throws Exception {
        JsWorker worker = worker();
        assertThat(call(worker, "/storm").get(10, TimeUnit.SECONDS).text())
                .isEqualTo("[200,200,200,200,200,\"Error: Too many subrequests.\",\"Error: Too many subrequests.\"]");
        assertThat(sent).hasSize(5);
        assertThat(exceeded).as("counted once per invocation").containsExactly(ResourceLimitException.Limit.SUBREQUESTS);
    }

    @Test
    void theCountFollowsEachInvocationAcrossAwaitsWhenRequestsInterleave() throws Exception {
        JsWorker worker = worker();
        CompletableFuture<Response> a = call(worker, "/sequential");
        CompletableFuture<Response> b = call(worker, "/sequential");
        String expected = "[200,200,200,200,200,\"Too many subrequests.\",\"Too many subrequests.\"]";
        assertThat(a.get(10, TimeUnit.SECONDS).text()).isEqualTo(expected);
        assertThat(b.get(10, TimeUnit.SECONDS).text()).isEqualTo(expected);
        assertThat(sent).hasSize(10);
        assertThat(call(worker, "/storm").get(10, TimeUnit.SECONDS).text()).as("a new invocation counts from 0").startsWith("[200,200,200,200,200,");
    }

    @Test
    void aFetchAnsweredAtOnceKeepsCountingAgainstItsInvocation() throws Exception {
        // A stage already complete settles its promise inside the call that made it; that call's invocation must be kept after
        JsWorker worker = worker();
        answer = Answer.AT_ONCE;
        assertThat(call(worker, "/sequential").get(10, TimeUnit.SECONDS).text())
                .isEqualTo("[200,200,200,200,200,\"Too many subrequests.\",\"Too many subrequests.\"]");
        answer = Answer.FAILED_AT_ONCE;
        String refused = "fetch(https://origin.example/%d): refused";
        assertThat(call(worker, "/sequential").get(10, TimeUnit.SECONDS).text()).isEqualTo("[\"" + String.join("\",\"",
                refused.formatted(0), refused.formatted(1), refused.formatted(2), refused.formatted(3), refused.formatted(4))
                + "\",\"Too many subrequests.\",\"Too many subrequests.\"]");
        assertThat(sent).hasSize(10);
    }

    @Test
    void aTimerTheRequestAwaitsGoesOnCountingAgainstIt() throws Exception {
        JsWorker worker = worker();
        CompletableFuture<Response> r = call(worker, "/timer");
        assertThat(r.get(30, TimeUnit.SECONDS).text())
                .isEqualTo("[200,200,200,200,200,\"Too many subrequests.\",\"Too many subrequests.\"]");
        assertThat(sent).hasSize(5);
    }

    @Test
    void eachContextOfTheScriptCountsItsOwnInvocations() throws Exception {
        // Contexts made for other threads share the script's modules (one ModuleFiles, one BuiltinModules): nothing counted is shared
        JsWorker worker = worker();
        String expected = "[200,200,200,200,200,\"Too many subrequests.\",\"Too many subrequests.\"]";
        List<CompletableFuture<Response>> answers = new java.util.ArrayList<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Response> a = new CompletableFuture<>();
            answers.add(a);
            threads.add(Thread.ofPlatform().start(() -> call(worker, "/sequential").whenComplete((r, e) -> {
                if (e != null) {
                    a.completeExceptionally(e);
                } else {
                    a.complete(r);
                }
            })));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (CompletableFuture<Response> a : answers) {
            assertThat(a.get(20, TimeUnit.SECONDS).text()).isEqualTo(expected);
        }
        assertThat(sent).hasSize(15);
    }

    @Test
    void anInvocationHasSixConnectionsOpenAtOnceAndTheNextFetchWaitsForOne() throws Exception {
        JsWorker worker = worker(50);
        answer = Answer.HELD;
        CompletableFuture<Response> eight = call(worker, "/eight");
        CompletableFuture<Response> other = call(worker, "/eight");
        await(() -> held.size() == 12);
        Thread.sleep(200);
        assertThat(held).as("six each: the seventh and eighth of each request wait").hasSize(12);
        assertThat(sent.subList(0, 6)).containsExactly("https://origin.example/0", "https://origin.example/1", "https://origin.example/2",
                "https://origin.example/3", "https://origin.example/4", "https://origin.example/5");
        held.get(2).complete(new Response("ok"));
        await(() -> held.size() == 13);
        assertThat(sent.get(12)).as("the first waiting goes when one closes").isEqualTo("https://origin.example/6");
        held.get(3).completeExceptionally(new IllegalStateException("refused"));
        await(() -> held.size() == 14);
        assertThat(sent.get(13)).as("a failed one closes too").isEqualTo("https://origin.example/7");
        await(() -> { // what a closed connection lets through is held too, and answered in the next round
            held.forEach(h -> h.complete(new Response("ok")));
            return held.size() == 16 && held.stream().allMatch(CompletableFuture::isDone);
        });
        assertThat(other.get(20, TimeUnit.SECONDS).text()).isEqualTo("[200,200,200,200,200,200,200,200]");
        assertThat(eight).failsWithin(20, TimeUnit.SECONDS);
        assertThat(held).hasSize(16);
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 2000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
