package dev.pier.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.WorkerScript;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import dev.pier.workers.host.Script;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scripts that are not Java classes ({@code main_module}): the runtime deploys them through the loaders it was given. */
class ScriptLoaderTest {

    /** A loader of "scripts" whose main module's text is the answer: a real loader's shape, without a language. */
    static final class TextLoader implements ScriptLoader {
        int loads;

        @Override
        public boolean loads(WorkerScript script) {
            return script.mainModule().toString().endsWith(".txt");
        }

        @Override
        public Worker load(WorkerScript script) throws IOException {
            loads++;
            String text = Files.readString(script.mainModule());
            if (text.isEmpty()) {
                throw new IOException("an empty main module (at " + script.mainModule().getFileName() + ":1)");
            }
            return (request, env, ctx) -> CompletableFuture.completedFuture(new Response(text + " " + env.var("WHO")));
        }

        @Override
        public String stamp(WorkerScript script) {
            try {
                return Files.readString(script.mainModule());
            } catch (IOException e) {
                return "missing";
            }
        }
    }

    @TempDir
    Path dir;

    final TextLoader loader = new TextLoader();
    final WorkerRuntime runtime = new WorkerRuntime(getClass().getClassLoader(), List.of(loader));

    @Test
    void aMainModuleIsLoadedByItsLoaderWithItsVarsAndLoadedAgainOnlyWhenItsFilesChange() throws Exception {
        Path main = Files.writeString(dir.resolve("hello.txt"), "hello");
        WorkerScript script = WorkerScript.javaScript("hello", main, "2025-01-01", Map.of("WHO", "you"), Map.of());
        runtime.deploy(List.of(script));
        assertThat(answer(runtime.find("hello"))).isEqualTo("hello you");
        runtime.deploy(List.of(script));
        assertThat(loader.loads).isEqualTo(1);
        Files.writeString(main, "bonjour");
        runtime.deploy(List.of(script));
        assertThat(loader.loads).isEqualTo(2);
        assertThat(answer(runtime.find("hello"))).isEqualTo("bonjour you");
    }

    @Test
    void aScriptNoLoaderTakesOrThatFailsToLoadFailsTheFirstDeployWithWhy() throws Exception {
        Path js = Files.writeString(dir.resolve("worker.js"), "export default {}");
        assertThatThrownBy(() -> new WorkerRuntime(getClass().getClassLoader())
                .deploy(List.of(WorkerScript.javaScript("js", js, null, Map.of(), Map.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workers: js: " + js + " cannot be deployed: java.lang.IllegalArgumentException: main_module: " + js
                        + " (expected: a Java class; this node has no JavaScript runtime)");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertThatThrownBy(() -> runtime.deploy(List.of(WorkerScript.javaScript("empty", empty, null, Map.of(), Map.of()))))
                .hasMessage("workers: empty: " + empty + " cannot be deployed: java.io.IOException: an empty main module (at empty.txt:1)");
    }

    private static String answer(Script script) {
        return script.worker().fetch(Request.get("https://example.com/"), script.env(), work -> { }).toCompletableFuture().join().text();
    }
}
