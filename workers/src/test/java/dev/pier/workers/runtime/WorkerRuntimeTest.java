package dev.pier.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.WorkerScript;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import dev.pier.workers.host.Script;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploying Workers from the classpath and from jars, and deploying new code over old. */
class WorkerRuntimeTest {

    /** A Worker on the test's own classpath. */
    public static final class Greeter implements Worker {
        @Override
        public CompletionStage<Response> fetch(Request request, dev.pier.workers.Env env, ExecutionContext ctx) {
            return CompletableFuture.completedFuture(new Response(env.var("GREETING")));
        }
    }

    static final ExecutionContext CTX = work -> { };

    @TempDir
    Path dir;

    final WorkerRuntime runtime = new WorkerRuntime(WorkerRuntimeTest.class.getClassLoader());

    @Test
    void aScriptFromTheClasspathIsDeployedWithItsVars() {
        runtime.deploy(List.of(new WorkerScript("greet", Greeter.class.getName(), null, Map.of("GREETING", "hello"))));
        assertThat(answer(runtime.find("greet"))).isEqualTo("hello");
        assertThat(runtime.find("other")).isNull();
    }

    @Test
    void theFirstDeployFailsOnAScriptThatCannotBeLoaded() {
        assertThatThrownBy(() -> runtime.deploy(List.of(new WorkerScript("x", "com.example.Missing", null, Map.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("workers: x: com.example.Missing cannot be deployed: java.lang.ClassNotFoundException");
        assertThatThrownBy(() -> runtime.deploy(List.of(new WorkerScript("y", String.class.getName(), null, Map.of()))))
                .hasMessageContaining("does not implement dev.pier.workers.Worker");
    }

    @Test
    void aNewJarIsNewCodeInAClassLoaderOfItsOwnWhileTheOldInstanceFinishesOnTheOldCode() throws Exception {
        Path jar = dir.resolve("versioned.jar");
        build(jar, "v1", FileTime.fromMillis(1_000_000));
        WorkerScript script = new WorkerScript("versioned", "example.Versioned", jar, Map.of());
        runtime.deploy(List.of(script));
        Script first = runtime.find("versioned");
        assertThat(answer(first)).isEqualTo("v1");

        runtime.deploy(List.of(script));
        assertThat(runtime.find("versioned")).as("nothing changed: the same instance").isSameAs(first);

        build(jar, "v2 with a longer answer", FileTime.fromMillis(2_000_000));
        runtime.deploy(List.of(script));
        Script second = runtime.find("versioned");
        assertThat(answer(second)).isEqualTo("v2 with a longer answer");
        assertThat(answer(first)).as("a request that began before the deploy").isEqualTo("v1");
        assertThat(second.worker().getClass().getClassLoader()).isNotSameAs(first.worker().getClass().getClassLoader());
    }

    @Test
    void aLaterDeployThatFailsKeepsTheCodeDeployedBefore() throws Exception {
        runtime.deploy(List.of(new WorkerScript("greet", Greeter.class.getName(), null, Map.of("GREETING", "hello"))));
        Script before = runtime.find("greet");
        runtime.deploy(List.of(new WorkerScript("greet", "com.example.Missing", null, Map.of())));
        assertThat(runtime.find("greet")).isSameAs(before);
        runtime.deploy(List.of());
        assertThat(runtime.find("greet")).as("removed from the configuration").isNull();
    }

    private static String answer(Script script) {
        return script.worker().fetch(Request.get("https://example.com/"), script.env(), CTX).toCompletableFuture().join().text();
    }

    /** Compiles a Worker that answers {@code text} into {@code jar}, with the given modification time. */
    private void build(Path jar, String text, FileTime modified) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src-" + text.hashCode()).resolve("example"));
        Files.writeString(src.resolve("Versioned.java"), """
                package example;
                public final class Versioned implements dev.pier.workers.Worker {
                    public java.util.concurrent.CompletionStage<dev.pier.workers.Response> fetch(dev.pier.workers.Request r,
                            dev.pier.workers.Env env, dev.pier.workers.ExecutionContext ctx) {
                        return java.util.concurrent.CompletableFuture.completedFuture(new dev.pier.workers.Response("%s"));
                    }
                }
                """.formatted(text));
        Path classes = Files.createDirectories(dir.resolve("classes-" + text.hashCode()));
        int exit = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.resolve("Versioned.java").toString());
        assertThat(exit).as("javac").isZero();
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("example/Versioned.class"));
            j.write(Files.readAllBytes(classes.resolve("example/Versioned.class")));
            j.closeEntry();
        }
        Files.setLastModifiedTime(jar, modified);
    }
}
