package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routes to Workers in Cloudflare's pattern shape, from the YAML file to the script a request runs. */
class WorkerRoutesTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:8080
            workers:
              - { name: chat, class: com.example.Chat, vars: { GREETING: hello } }
              - { name: api, class: com.example.Api, jar: lib/api.jar }
              - { name: everything, class: com.example.All }
              - { name: status, class: com.example.Status }
            zones:
              - name: example.com
                dns_records:
                  - { type: A, name: example.com, content: 127.0.0.1 }
                  - { type: CNAME, name: "*.example.com", content: origin.internal }
                workers_routes:
                  - { pattern: "*example.com/*", script: everything }
                  - { pattern: "chat.example.com/*", script: chat }
                  - { pattern: "example.com/api/*", script: api }
                  - { pattern: "example.com/status", script: status }
            """;

    final PierConfig config = ConfigLoader.parse(YAML, Path.of("/etc/pier"));
    final Zone zone = config.zones().get(0);

    @Test
    void workersAreReadWithTheirClassJarAndVars() {
        assertThat(config.workers()).containsExactly(
                new WorkerScript("chat", "com.example.Chat", null, Map.of("GREETING", "hello")),
                new WorkerScript("api", "com.example.Api", Path.of("/etc/pier/lib/api.jar"), Map.of()),
                new WorkerScript("everything", "com.example.All", null, Map.of()),
                new WorkerScript("status", "com.example.Status", null, Map.of()));
    }

    @Test
    void theMostSpecificMatchingRouteRuns() {
        assertThat(script("chat.example.com", "/room/lobby")).isEqualTo("chat");
        assertThat(script("example.com", "/api/v1/users")).isEqualTo("api");
        assertThat(script("example.com", "/api/")).isEqualTo("api");
        assertThat(script("example.com", "/status")).isEqualTo("status");
        assertThat(script("example.com", "/status/more")).isEqualTo("everything");
        assertThat(script("example.com", "/")).isEqualTo("everything");
        assertThat(script("news.example.com", "/")).isEqualTo("everything");
    }

    @Test
    void wildcardsStandOnlyWhereCloudflareAllowsThem() {
        WorkerRoute subdomains = new WorkerRoute("*.example.com/*", "x");
        assertThat(subdomains.matches("a.example.com", "/")).isTrue();
        assertThat(subdomains.matches("example.com", "/")).isFalse();
        assertThat(subdomains.matches("evilexample.com", "/")).isFalse();
        WorkerRoute exact = new WorkerRoute("example.com/status", "x");
        assertThat(exact.matches("example.com", "/status/")).isFalse();
        assertThat(new WorkerRoute("https://Example.com/*", "x").pattern()).isEqualTo("example.com/*");
        assertThatThrownBy(() -> new WorkerRoute("example.com/*/x", "x")).hasMessageContaining("'*' only at the start of the host");
        assertThatThrownBy(() -> new WorkerRoute("example.com:8080/*", "x")).hasMessageContaining("and no port");
        assertThatThrownBy(() -> new WorkerRoute("example.com", "x")).hasMessageContaining("expected: a host and a path");
    }

    @Test
    void aRouteNamesAWorkerOfTheFileAndAHostOfItsZone() {
        assertError(YAML.replace("script: api }", "script: nope }"),
                "zones[0].workers_routes[2].script: 'nope' is not a worker (expected: one of [api, chat, everything, status])");
        assertError(YAML.replace("example.com/api/*", "example.org/api/*"),
                "zones[0].workers_routes[2].pattern: 'example.org/api/*' is not in zone example.com");
        assertError(YAML.replace("example.com/status", "HTTPS://Example.com/api/*"),
                "zones[0].workers_routes[3].pattern: 'example.com/api/*' appears twice (expected: a pattern once per zone)");
        assertError(YAML.replace("script: api }", "script: \"\" }"), "zones[0].workers_routes[2].script: '' (expected: the name of a Worker");
        assertError(YAML.replace("name: chat,", "name: Chat,"), "workers[0].name: 'Chat' (expected: lower-case letters");
        assertError(YAML.replace("com.example.Api", "com.example.Api; rm"), "workers[1].class: 'com.example.Api; rm'");
        assertError(YAML.replace("name: status,", "name: chat,"), "workers[3].name: 'chat' appears twice");
    }

    private String script(String host, String path) {
        RouteTarget.Worker worker = zone.worker(host, path);
        return worker == null ? null : worker.script();
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, Path.of("."))).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }
}
