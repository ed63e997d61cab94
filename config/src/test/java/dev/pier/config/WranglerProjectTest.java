package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code workers: - wrangler: path/to/wrangler.toml}: a Wrangler project runs from its own file, its
 * Worker and routes as Wrangler would deploy them, without the API.
 */
class WranglerProjectTest {

    static final String TOML = """
            name = "chat"
            main = "src/index.js"
            compatibility_date = "2025-04-01"
            workers_dev = false
            routes = [
              { pattern = "chat.example.com/*", zone_name = "example.com" },
              "example.com/api/*"
            ]

            [vars]
            GREETING = "hello"
            LIMITS = { messages = 10 }

            [[durable_objects.bindings]]
            name = "ROOMS"
            class_name = "ChatRoom"

            [[migrations]]
            tag = "v1"
            new_sqlite_classes = ["ChatRoom"]
            """;

    @TempDir
    Path dir;

    @Test
    void aTomlProjectRunsWithItsRoutesInTheFilesZones() throws Exception {
        Files.createDirectories(dir.resolve("chat/src"));
        Files.writeString(dir.resolve("chat/wrangler.toml"), TOML);
        PierConfig config = load("workers: [ { wrangler: chat/wrangler.toml } ]\n");
        WorkerScript chat = config.workers().get(0);
        assertThat(chat.name()).isEqualTo("chat");
        assertThat(chat.isJavaScript()).isTrue();
        assertThat(chat.mainModule()).isEqualTo(dir.resolve("chat/src/index.js").toAbsolutePath().normalize());
        assertThat(chat.compatibilityDate()).isEqualTo("2025-04-01");
        assertThat(chat.vars()).isEqualTo(Map.of("GREETING", "hello", "LIMITS", "{\"messages\":10}"));
        assertThat(chat.durableObjects()).isEqualTo(Map.of("ROOMS", "ChatRoom"));
        Zone zone = config.zones().get(0);
        assertThat(zone.workerRoutes()).containsExactly(new WorkerRoute("chat.example.com/*", "chat"),
                new WorkerRoute("example.com/api/*", "chat"));
    }

    @Test
    void aJsoncProjectWithCommentsAndTrailingCommasRunsToo() throws Exception {
        Files.writeString(dir.resolve("wrangler.jsonc"), """
                {
                  // the chat Worker
                  "name": "chat",
                  "main": "./worker.js", /* beside this file */
                  "compatibility_date": "2025-04-01",
                  "route": { "pattern": "example.com/chat", "zone_name": "example.com" },
                  "vars": { "GREETING": "hi", },
                }
                """);
        PierConfig config = load("workers: [ { wrangler: wrangler.jsonc } ]\n");
        assertThat(config.workers().get(0).mainModule()).isEqualTo(dir.resolve("worker.js").toAbsolutePath().normalize());
        assertThat(config.workers().get(0).vars()).isEqualTo(Map.of("GREETING", "hi"));
        assertThat(config.zones().get(0).workerRoutes()).containsExactly(new WorkerRoute("example.com/chat", "chat"));
    }

    @Test
    void whatPierCannotRunIsRefusedNamingTheKey() throws Exception {
        Files.writeString(dir.resolve("kv.toml"), "name = \"chat\"\nmain = \"index.js\"\n[[kv_namespaces]]\nbinding = \"KV\"\nid = \"x\"\n");
        assertThatThrownBy(() -> load("workers: [ { wrangler: kv.toml } ]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kv_namespaces").hasMessageContaining("is not run by Pier (expected: name, main, "
                        + "compatibility_date, vars, durable_objects, routes; Pier runs no KV, R2, D1, queues, services, assets or other "
                        + "Cloudflare bindings)");
        Files.writeString(dir.resolve("zone.toml"), "name = \"chat\"\nmain = \"index.js\"\n"
                + "routes = [ { pattern = \"chat.example.org/*\", zone_name = \"example.org\" } ]\n");
        assertThatThrownBy(() -> load("workers: [ { wrangler: zone.toml } ]\n")).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("workers: chat: route 'chat.example.org/*': zone_name 'example.org' is not a zone of this file (expected: one "
                        + "of [example.com])");
        Files.writeString(dir.resolve("domain.toml"), "name = \"chat\"\nmain = \"index.js\"\n"
                + "routes = [ { pattern = \"chat.example.com\", custom_domain = true } ]\n");
        assertThatThrownBy(() -> load("workers: [ { wrangler: domain.toml } ]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("custom_domain").hasMessageContaining("Pier has no custom domains");
        Files.writeString(dir.resolve("nomain.toml"), "name = \"chat\"\n");
        assertThatThrownBy(() -> load("workers: [ { wrangler: nomain.toml } ]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("main").hasMessageContaining("missing (expected: the Worker's main module, relative to this file");
        assertThatThrownBy(() -> load("workers: [ { wrangler: missing.toml } ]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.toml: cannot be read as a Wrangler configuration");
    }

    private PierConfig load(String workers) throws Exception {
        Path file = dir.resolve("pier.yaml");
        Files.writeString(file, "listeners: [ { address: 127.0.0.1:0 } ]\n" + workers + "zones: [ { name: example.com } ]\n");
        return ConfigLoader.load(file);
    }
}
