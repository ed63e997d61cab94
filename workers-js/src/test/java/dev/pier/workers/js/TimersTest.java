package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * setTimeout/setInterval and their clears as the HTML standard's timers, and AbortController /
 * AbortSignal as the DOM standard's; a timer that runs after its request answered. Outside a node
 * the Java API's Timers runs the tasks on one thread of its own (the edge's test checks the loop).
 */
class TimersTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final JsConsole js = new JsConsole();

    /** What `globalThis.done` becomes within a few seconds (timers run later, each a call into the realm). */
    static String waitFor(String setup) throws InterruptedException {
        js.run("globalThis.done = undefined; " + setup);
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            String v = js.eval("globalThis.done === undefined ? '\\u0000' : globalThis.done");
            if (!v.equals("\u0000")) {
                return v;
            }
            Thread.sleep(10);
        }
        return "(not done)";
    }

    @Test
    void timeoutsRunInTheirOrderWithTheirArgumentsAndClearedOnesDoNot() throws Exception {
        assertThat(waitFor("""
                const out = [];
                // A deadline counts from its own setTimeout call, and the interpreter on a busy machine can take tens of ms
                // between two calls: the delays are far apart so that their order is the order they were asked for.
                setTimeout((a, b) => out.push('c' + a + b), 300, 1, 2);
                setTimeout(() => out.push('a'), 0);
                const cleared = setTimeout(() => out.push('never'), 10);
                setTimeout(() => out.push('b'), 20);
                clearTimeout(cleared);
                clearTimeout(12345); clearTimeout(undefined);
                setTimeout(() => { done = out.join(); }, 500);
                out.push('sync');
                """)).isEqualTo("sync,a,b,c12");
        assertThat(js.eval("setTimeout('1 + 1')")).isEqualTo("TypeError: setTimeout: string (expected: a function; strings are not evaluated)");
        assertThat(js.eval("[typeof setTimeout(() => {}), setTimeout(() => {}) > 0]")).isEqualTo("[\"number\",true]");
    }

    @Test
    void intervalsRepeatUntilClearedAndAThrowingCallbackDoesNotStopOthers() throws Exception {
        assertThat(waitFor("""
                let n = 0;
                const id = setInterval(() => { n++; if (n === 3) { clearInterval(id); setTimeout(() => { done = 'ticks ' + n; }, 80); } }, 10);
                setTimeout(() => { throw new Error('a timer threw'); }, 5);
                """)).isEqualTo("ticks 3");
    }

    @Test
    void aTimerSetDuringARequestRunsAfterItsResponse() throws Exception {
        JsWorker worker = Scripts.worker(dir.resolve("late"), """
                let fired = [];
                export default {
                  fetch(request) {
                    if (request.url.endsWith('/fired')) return new Response(fired.join());
                    setTimeout(() => fired.push('after ' + new URL(request.url).pathname), 30);
                    return new Response('answered');
                  }
                };
                """);
        assertThat(Scripts.get(worker, "https://w.example/one").text()).isEqualTo("answered");
        String fired = "";
        for (int i = 0; i < 200 && fired.isEmpty(); i++) {
            Thread.sleep(10);
            fired = Scripts.get(worker, "https://w.example/fired").text();
        }
        assertThat(fired).isEqualTo("after /one");
    }

    @Test
    void abortSignalsAbortOnceWithTheirReasonAndTimeOut() throws Exception {
        assertThat(js.eval("""
                (() => {
                  const c = new AbortController(); const seen = [];
                  c.signal.addEventListener('abort', (e) => seen.push(e.type));
                  c.signal.onabort = () => seen.push('on');
                  const before = c.signal.aborted;
                  c.abort('why'); c.abort('again');
                  let thrown; try { c.signal.throwIfAborted(); } catch (e) { thrown = e; }
                  const d = AbortSignal.abort();
                  return [before, c.signal.aborted, c.signal.reason, seen.join(), thrown, d.reason.name, d.reason.code];
                })()""")).isEqualTo("[false,true,\"why\",\"on,abort\",\"why\",\"AbortError\",20]");
        assertThat(js.eval("new AbortSignal()")).startsWith("TypeError: AbortSignal: Illegal constructor");
        assertThat(js.await("(async () => { const c = new AbortController(); const r = new Request('https://a.example/', { signal: c.signal });"
                + " c.abort(); const clone = r.clone(); const plain = new Request('https://a.example/');"
                + " let thrown; try { await fetch(r); } catch (e) { thrown = e.name; }"
                + " return [r.signal === c.signal, clone.signal.aborted, plain.signal.aborted, thrown]; })()"))
                .isEqualTo("[true,true,false,\"AbortError\"]");
        assertThat(waitFor("const s = AbortSignal.timeout(20); const any = AbortSignal.any([new AbortController().signal, s]);"
                + " s.addEventListener('abort', () => { done = [s.reason.name, any.aborted, any.reason.name].join(); });"))
                .isEqualTo("TimeoutError,true,TimeoutError");
    }
}
