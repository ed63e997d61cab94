package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.WorkerScript;
import dev.pier.control.store.StoredWorkerScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    static NodeProject wrangler;
    static final Path PROJECT = Path.of("src", "test", "resources", "wrangler-chat");
    /** How wrangler logs each API call at debug level. */
    static final Pattern CALL = Pattern.compile("-- START CF API REQUEST: (\\w+) http://127\\.0\\.0\\.1:\\d+/client/v4(\\S*)");

    @TempDir
    Path dir;
    TestControlPlane plane;

    /** Installs the pinned wrangler from the lock file (npm ci) into target/, once per build. */
    @BeforeAll
    static void installWrangler() throws Exception {
        wrangler = NodeProject.install("wrangler", "wrangler", 300);
    }

    @BeforeEach
    void start() throws Exception {
        plane = new TestControlPlane(dir);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    /**
     * The calls {@code wrangler deploy} makes for a new Worker with a migration and a route, in order
     * (docs/WORKERS_DEPLOY.md lists them): each answered as Cloudflare's API answers it.
     */
    static final List<String> FIRST_DEPLOY = List.of(
            "GET /memberships",
            "GET /accounts/pier/workers/services/chat",
            "GET /accounts/pier/workers/scripts/chat/deployments",
            "GET /accounts/pier/workers/scripts",
            "GET /accounts/pier/workers/scripts/chat/settings",
            "PUT /accounts/pier/workers/scripts/chat",
            "GET /accounts/pier/workers/scripts/chat/subdomain",
            "POST /accounts/pier/workers/scripts/chat/subdomain",
            "GET /zones",
            "GET /zones/{zone_id}/workers/routes",
            "PUT /accounts/pier/workers/scripts/chat/routes");

    /** The calls of a later deploy of the same Worker with no new migration: Cloudflare's versions and deployments. */
    static final List<String> LATER_DEPLOY = List.of(
            "GET /memberships",
            "GET /accounts/pier/workers/services/chat",
            "GET /accounts/pier/workers/scripts/chat/deployments",
            "GET /accounts/pier/workers/scripts",
            "GET /accounts/pier/workers/scripts/chat/settings",
            "POST /accounts/pier/workers/scripts/chat/versions",
            "POST /accounts/pier/workers/scripts/chat/deployments",
            "PATCH /accounts/pier/workers/scripts/chat/script-settings",
            "GET /accounts/pier/workers/scripts/chat/subdomain",
            "POST /accounts/pier/workers/scripts/chat/subdomain",
            "GET /zones",
            "GET /zones/{zone_id}/workers/routes",
            "PUT /accounts/pier/workers/scripts/chat/routes");

    @Test
    void wranglerDeploysAWorkerWithADurableObjectAMigrationAndARoute() throws Exception {
        Path project = copyProject();
        List<String> calls = calls(wrangler(project, "deploy"));
        assertThat(calls).containsExactlyElementsOf(FIRST_DEPLOY);
        long deployed = System.nanoTime();

        StoredWorkerScript stored = plane.control.store().workerScript("chat").orElseThrow();
        assertThat(stored.migrationTag()).isEqualTo("v1");
        assertThat(stored.durableObjectClasses()).isEqualTo("[{\"class_name\":\"ChatRoom\",\"sqlite\":true}]");
        assertThat(plane.control.store().workerRoutes(plane.zoneId)).extracting(r -> r.pattern() + " " + r.script())
                .containsExactly("127.0.0.1/chat/* chat");
        WorkerScript chat = plane.edge.config().workers().stream().filter(w -> w.name().equals("chat")).findFirst().orElseThrow();
        assertThat(chat.isJavaScript()).isTrue();
        assertThat(chat.compatibilityDate()).isEqualTo("2025-04-01");
        assertThat(chat.vars()).containsEntry("GREETING", "hello from chat");
        assertThat(chat.durableObjects()).isEqualTo(Map.of("ROOMS", "ChatRoom"));
        assertThat(chat.limits().cpuMs()).as("[limits] cpu_ms, sent in the upload's metadata").isEqualTo(5000);

        // the edge runs it, its HTML page imported as a text module as wrangler bundled it
        TestControlPlane.awaitWithinASecond(deployed, () -> plane.get("/chat/").body().equals("hello from chat"));
        assertThat(plane.get("/chat/page").body()).contains("<h1>chat</h1>");

        // a later deploy with a new var and no new migration goes through versions and deployments
        Path toml = project.resolve("wrangler.toml");
        Files.writeString(toml, Files.readString(toml).replace("hello from chat", "hello again"));
        assertThat(calls(wrangler(project, "deploy"))).containsExactlyElementsOf(LATER_DEPLOY);
        long redeployed = System.nanoTime();
        assertThat(plane.control.store().workerScript("chat").orElseThrow().migrationTag()).isEqualTo("v1");
        assertThat(plane.control.store().workerScript("chat").orElseThrow().settingsJson()).contains("\"limits\":{\"cpu_ms\":5000}");
        TestControlPlane.awaitWithinASecond(redeployed, () -> plane.get("/chat/").body().equals("hello again"));
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

    /** Runs wrangler in {@code project} against the plane's API, at debug level; its output with its errors. */
    String wrangler(Path project, String... arguments) throws Exception {
        ProcessBuilder p = command(project, plane, dir, arguments).redirectErrorStream(true);
        p.environment().put("WRANGLER_LOG", "debug");
        return NodeProject.run(p, 120);
    }

    /**
     * wrangler with {@code arguments} in {@code project}, with only the plane's API base URL and a
     * token (no telemetry); its own config and caches in {@code home}.
     */
    static ProcessBuilder command(Path project, TestControlPlane plane, Path home, String... arguments) {
        List<String> command = new ArrayList<>(List.of("node", wrangler.file("node_modules/wrangler/bin/wrangler.js")));
        command.addAll(List.of(arguments));
        ProcessBuilder p = new ProcessBuilder(command).directory(project.toFile());
        Map<String, String> env = p.environment();
        env.keySet().removeIf(k -> k.startsWith("CLOUDFLARE_") || k.startsWith("CF_") || k.startsWith("WRANGLER_"));
        env.put("CLOUDFLARE_API_BASE_URL", "http://127.0.0.1:" + plane.adminPort() + "/client/v4");
        env.put("CLOUDFLARE_API_TOKEN", plane.token);
        env.put("WRANGLER_SEND_METRICS", "false");
        env.put("HOME", home.toString());
        env.put("CI", "true");
        return p;
    }

    static List<String> calls(String out) {
        List<String> calls = new ArrayList<>();
        Matcher m = CALL.matcher(out);
        while (m.find()) {
            calls.add(m.group(1) + " " + m.group(2).replaceFirst("^/zones/[0-9a-f]{32}", "/zones/{zone_id}"));
        }
        return calls;
    }
}
