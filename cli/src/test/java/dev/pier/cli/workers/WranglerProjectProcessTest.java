package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.PierProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier serve} with a configuration that names a Wrangler project's {@code wrangler.toml}
 * (the one {@code WranglerDeployTest} deploys through the API): the project runs from its files,
 * with its name, main module, vars and routes, and without the API. Its text module (an HTML page)
 * is served as the project imports it, and its Durable Object binding reaches the exported class,
 * whose storage outlives the process.
 */
class WranglerProjectProcessTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aWranglerProjectNamedInTheFileRunsWithoutTheApi(@TempDir Path dir) throws Exception {
        Path project = dir.resolve("chat");
        copy(Path.of("src/test/resources/wrangler-chat"), project);
        Path config = dir.resolve("pier.yaml");
        Files.writeString(config, """
                listeners:
                  - address: 127.0.0.1:0
                workers:
                  - wrangler: chat/wrangler.toml
                zones:
                  - name: 127.0.0.1
                    dns_records:
                      - { type: A, name: 127.0.0.1, content: 127.0.0.1 }
                """);
        Process pier = PierProcesses.start(dir, "pier", "serve", "--config", config.toString());
        try {
            int port = PierProcesses.loggedPort(dir, "pier", "Listening on");
            HttpResponse<String> greeting = get(port, "/chat/");
            assertThat(greeting.statusCode()).isEqualTo(200);
            assertThat(greeting.body()).as("the project's [vars]").isEqualTo("hello from chat");

            HttpResponse<String> page = get(port, "/chat/page");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html");
            assertThat(page.body()).isEqualTo(Files.readString(project.resolve("src/page.html")));

            assertThat(get(port, "/chat/room/lobby").body()).isEqualTo("room visit 1");
            assertThat(get(port, "/chat/room/lobby").body()).isEqualTo("room visit 2");
            assertThat(get(port, "/chat/room/kitchen").body()).isEqualTo("room visit 1");

            HttpResponse<String> elsewhere = get(port, "/elsewhere");
            assertThat(elsewhere.statusCode()).as("outside the project's route the Worker does not answer").isNotEqualTo(200);
            assertThat(elsewhere.body()).doesNotContain("hello from chat");
        } finally {
            pier.destroy();
            pier.waitFor();
        }
        Process again = PierProcesses.start(dir, "again", "serve", "--config", config.toString());
        try {
            int port = PierProcesses.loggedPort(dir, "again", "Listening on");
            assertThat(get(port, "/chat/room/lobby").body()).as("the object's storage outlived the process").isEqualTo("room visit 3");
        } finally {
            again.destroy();
            again.waitFor();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
