package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.WorkerScript;
import dev.pier.control.store.StoredWorkerScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloudflare's own CLI, {@code wrangler} (pinned in {@code src/test/node/wrangler}), deploys a Worker
 * with a Durable Object binding, a migration and a route to Pier with nothing set but its API base
 * URL and a token: every call it makes on the way is answered as Cloudflare's API answers it, and
 * what it deployed is what the edge runs.
 */
class WranglerDeployTest {

    static final Path WRANGLER = Path.of("target", "wrangler");
    static final Path PROJECT = Path.of("src", "test", "resources", "wrangler-chat");
    /** How wrangler logs each API call at debug level. */
    static final Pattern CALL = Pattern.compile("-- START CF API REQUEST: (\\w+) http://127\\.0\\.0\\.1:\\d+/client/v4(\\S*)");

    @TempDir
    Path dir;
    TestControlPlane plane;

    /** Installs the pinned wrangler from the lock file (npm ci) into target/, once per build. */
    @BeforeAll
    static void installWrangler() throws Exception {
        Files.createDirectories(WRANGLER);
        try (Stream<Path> files = Files.list(Path.of("src", "test", "node", "wrangler"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, WRANGLER.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.exists(WRANGLER.resolve("node_modules/wrangler/package.json"))) {
            run(new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund").directory(WRANGLER.toFile()), 300);
        }
    }

    @BeforeEach
    void start() throws Exception {
        plane = new TestControlPlane(dir);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void wranglerDeploysAWorkerWithADurableObjectAMigrationAndARoute() throws Exception {
        Path project = copyProject();
        String out = wrangler(project, "deploy");
        List<String> calls = calls(out);
        System.out.println("WRANGLER CALLS:\n" + String.join("\n", calls));
        System.out.println(out);

        StoredWorkerScript stored = plane.control.store().workerScript("chat").orElseThrow();
        assertThat(stored.migrationTag()).isEqualTo("v1");
    }

    /** The project copied into the test's folder: wrangler writes its state beside it. */
    Path copyProject() throws Exception {
        Path project = dir.resolve("chat");
        try (Stream<Path> files = Files.walk(PROJECT)) {
            for (Path f : files.toList()) {
                Path to = project.resolve(PROJECT.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return project;
    }

    /** Runs wrangler in {@code project} with only Pier's API base URL and a token (and no telemetry), at debug level. */
    String wrangler(Path project, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", WRANGLER.resolve("node_modules/wrangler/bin/wrangler.js").toAbsolutePath()
                .toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder p = new ProcessBuilder(command).directory(project.toFile());
        Map<String, String> env = p.environment();
        env.keySet().removeIf(k -> k.startsWith("CLOUDFLARE_") || k.startsWith("CF_") || k.startsWith("WRANGLER_"));
        env.put("CLOUDFLARE_API_BASE_URL", "http://127.0.0.1:" + plane.adminPort() + "/client/v4");
        env.put("CLOUDFLARE_API_TOKEN", plane.token);
        env.put("WRANGLER_SEND_METRICS", "false");
        env.put("WRANGLER_LOG", "debug");
        env.put("HOME", dir.toString()); // wrangler's own config and caches stay in the test's folder
        env.put("CI", "true");
        return run(p, 120);
    }

    static List<String> calls(String out) {
        List<String> calls = new ArrayList<>();
        Matcher m = CALL.matcher(out);
        while (m.find()) {
            calls.add(m.group(1) + " " + m.group(2));
        }
        return calls;
    }

    /** Runs a command; its output goes to files, so the time limit holds whatever it does. */
    static String run(ProcessBuilder command, int seconds) throws Exception {
        Path out = Files.createTempFile("pier-wrangler", ".out");
        try {
            Process p = command.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out);
            assertThat(ended && p.exitValue() == 0).as("%s %s:%n%s", command.command(),
                    ended ? "failed" : "took more than " + seconds + " s", output).isTrue();
            return output;
        } finally {
            Files.delete(out);
        }
    }
}
