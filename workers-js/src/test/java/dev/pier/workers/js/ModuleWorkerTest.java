package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.workers.Env;
import dev.pier.workers.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A module Worker: its default export's fetch, the modules it imports, env, ctx.waitUntil, and what happens when it throws. */
class ModuleWorkerTest {

    @TempDir
    Path dir;

    @Test
    void anAsyncFetchAnswersWithAResponse() throws Exception {
        JsWorker worker = Scripts.worker(dir, """
                export default {
                  async fetch(request, env, ctx) {
                    await null;
                    return new Response(`hello ${new URL(request.url).pathname} ${request.method}`, { headers: { 'x-a': '1' } });
                  }
                };
                """);
        Response r = Scripts.get(worker, "https://example.com/there?q=1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("hello /there GET");
        assertThat(r.headers().get("content-type")).isEqualTo("text/plain;charset=UTF-8");
        assertThat(r.headers().get("x-a")).isEqualTo("1");
    }

    @Test
    void modulesImportEachOtherAndTextDataAndJsonModulesAreTheirContent() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("src/index.js", """
                import page from "./static/page.html";
                import notes from "./notes.txt";
                import config from "./config.json";
                import blob from "./data.bin";
                import { shout } from "./lib/shout.js";
                export default {
                  fetch() {
                    const bytes = new Uint8Array(blob);
                    return Response.json({ page, notes: shout(notes), name: config.name, list: config.list,
                        bin: [blob instanceof ArrayBuffer, bytes.length, bytes[0], bytes[1]] });
                  }
                };
                """);
        files.put("src/static/page.html", "<h1>\"Hi\"</h1>\n\u2028");
        files.put("src/notes.txt", "a\\b");
        files.put("src/config.json", "{\"name\": \"pier\", \"list\": [1, 2]}");
        files.put("src/lib/shout.js", "import { suffix } from '../suffix.js';\nexport const shout = (s) => s.toUpperCase() + suffix;");
        files.put("src/suffix.js", "export const suffix = '!';");
        Scripts.write(dir, files);
        Files.write(dir.resolve("src/data.bin"), new byte[] {(byte) 0xff, 7});
        Response r = Scripts.get(Scripts.load(dir, "src/index.js"), "https://example.com/");
        assertThat(r.headers().get("content-type")).isEqualTo("application/json");
        assertThat(r.text()).isEqualTo("{\"page\":\"<h1>\\\"Hi\\\"</h1>\\n\u2028\",\"notes\":\"A\\\\B!\",\"name\":\"pier\",\"list\":[1,2],"
                + "\"bin\":[true,2,255,7]}");
    }

    @Test
    void aModuleOutsideTheScriptsFolderIsNotRead() throws Exception {
        Files.writeString(dir.resolve("secret.js"), "export default 'secret';");
        Path app = Files.createDirectories(dir.resolve("app"));
        Scripts.write(app, Map.of("worker.js", "import s from '../secret.js';\nexport default { fetch() { return new Response(s); } };"));
        assertThatThrownBy(() -> Scripts.load(app, "worker.js")).isInstanceOf(ScriptError.class)
                .hasMessageContaining("secret.js");
    }

    @Test
    void envHasTheTextBindingsAndWaitUntilKeepsTheWork() throws Exception {
        JsWorker worker = Scripts.worker(dir, """
                export default {
                  fetch(request, env, ctx) {
                    ctx.waitUntil(new Promise((resolve) => resolve('later')));
                    ctx.waitUntil(Promise.reject(new Error('failed later')));
                    return new Response(env.GREETING + ' ' + Object.keys(env).join(','));
                  }
                };
                """);
        java.util.List<CompletableFuture<?>> work = new java.util.ArrayList<>();
        Response r = worker.fetch(dev.pier.workers.Request.get("https://example.com/"), Env.of(Map.of("GREETING", "hello")),
                w -> work.add(w.toCompletableFuture())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(r.text()).isEqualTo("hello GREETING");
        assertThat(work).hasSize(2);
        assertThat(work.get(0)).isCompleted();
        assertThat(work.get(1)).isCompletedExceptionally();
        assertThatThrownBy(() -> work.get(1).get()).hasMessageContaining("Error: failed later");
    }

    @Test
    void aScriptThatThrowsWhileLoadingFailsWithItsMessageAndLine() {
        assertThatThrownBy(() -> Scripts.worker(dir, "const a = 1;\nthrow new Error('no config');\nexport default {};"))
                .isInstanceOf(ScriptError.class)
                .hasMessage("the main module failed to load: Error: no config (at worker.js:2:7)");
        assertThatThrownBy(() -> Scripts.worker(dir, "export default {\n  fetch( {\n};"))
                .isInstanceOf(ScriptError.class)
                .hasMessageStartingWith("the main module failed to load: SyntaxError: ").hasMessageContaining("worker.js:3");
        assertThatThrownBy(() -> Scripts.worker(dir, "export default { hello() {} };"))
                .isInstanceOf(ScriptError.class)
                .hasMessageContaining("no default export with a fetch method (expected: export default { async fetch(request, env, ctx)");
    }

    @Test
    void aFetchThatThrowsOrRejectsOrAnswersNoResponseFailsWithTheStack() throws Exception {
        JsWorker worker = Scripts.worker(dir, """
                export default {
                  async fetch(request) {
                    const path = new URL(request.url).pathname;
                    if (path === '/throw') throw new RangeError('bad range');
                    if (path === '/sync') return this.sync();
                    if (path === '/string') return 'just text';
                    return new Response('fine');
                  },
                  sync() { null.x; }
                };
                """);
        assertThat(failure(worker, "/throw")).startsWith("RangeError: bad range").contains("worker.js:4");
        assertThat(failure(worker, "/sync")).startsWith("TypeError: Cannot read property 'x' of null").contains("worker.js:9");
        assertThat(failure(worker, "/string")).isEqualTo("TypeError: fetch() answered string (expected: a Response)");
        assertThat(Scripts.get(worker, "https://example.com/").text()).isEqualTo("fine");
    }

    @Test
    void aJavaStageBecomesAPromiseThatSettlesWhenItCompletesOnAnotherThread() throws Exception {
        JsWorker worker = Scripts.worker(dir, "export default { fetch() { return new Response('x'); } };");
        JsRealm realm = worker.realm();
        CompletableFuture<String> stage = new CompletableFuture<>();
        Value out = realm.eval("t.js", "globalThis.seen = []; (p) => p.then((v) => seen.push('got ' + v), (e) => seen.push(String(e)))");
        realm.run(() -> out.execute(realm.promise(stage)));
        Thread other = new Thread(() -> stage.complete("late"));
        other.start();
        other.join();
        assertThat(realm.eval("t.js", "seen.join()").asString()).isEqualTo("got late");
        CompletableFuture<String> failing = new CompletableFuture<>();
        realm.run(() -> out.execute(realm.promise(failing)));
        failing.completeExceptionally(new IllegalStateException("gone"));
        assertThat(realm.eval("t.js", "seen.join()").asString()).isEqualTo("got late,Error: gone");
    }

    @Test
    void theStampChangesWithTheModulesAndNotWithDataBesideThem() throws Exception {
        Path main = Scripts.write(dir, Map.of("worker.js", "export default { fetch() { return new Response('1'); } };"));
        String before = JsWorkers.stamp(main);
        Files.writeString(dir.resolve("objects.sqlite"), "data the node writes");
        assertThat(JsWorkers.stamp(main)).isEqualTo(before);
        Files.writeString(dir.resolve("page.html"), "<p>new</p>");
        assertThat(JsWorkers.stamp(main)).isNotEqualTo(before);
    }

    private static String failure(JsWorker worker, String path) {
        try {
            Scripts.get(worker, "https://example.com" + path);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ScriptError.class);
            return e.getCause().getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError(path + " did not fail");
    }
}
