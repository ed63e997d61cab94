package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier serve} with the example configuration {@code examples/workers/echo.yaml}: the
 * node deploys the example Workers from its own classpath; {@code /echo} gets every WebSocket
 * message back, {@code /bridge} says where it bridges a WebSocket to, and {@code /counter/NAME}
 * counts in the Durable Object of that name, whose count outlives the process.
 */
class ExampleWorkerProcessTest {

    @Test
    void theExampleEchoWorkerServesItsRoute(@TempDir Path dir) throws Exception {
        String example = Files.readString(Path.of("../examples/workers/echo.yaml"));
        Path config = dir.resolve("echo.yaml");
        Files.writeString(config, example.replace("127.0.0.1:8080", "127.0.0.1:0"));
        Process pier = PierProcesses.start(dir, "echo", "serve", "--config", config.toString());
        try {
            int port = PierProcesses.loggedPort(dir, "echo", "Listening on");
            assertThat(Files.readString(dir.resolve("echo.err"))).contains("Worker echo deployed: dev.pier.examples.workers.EchoWorker");
            HttpResponse<String> hint = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/echo")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hint.statusCode()).isEqualTo(426);
            assertThat(hint.body()).contains("every message comes back");
            WsClient client = WsClient.connect("ws://localhost:" + port + "/echo");
            client.socket.sendText("hello, worker", true).join();
            assertThat(client.next()).isEqualTo("text:hello, worker");
            client.socket.sendClose(1000, "").join();
            assertThat(client.next()).startsWith("close:1000");

            HttpResponse<String> bridge = WsClient.HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/bridge")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bridge.statusCode()).isEqualTo(426);
            assertThat(bridge.body()).isEqualTo("Connect a WebSocket: it is bridged to http://127.0.0.1:9001/\n");

            assertThat(get(port, "/counter/lobby")).isEqualTo("1");
            assertThat(get(port, "/counter/lobby")).isEqualTo("2");
            assertThat(get(port, "/counter/kitchen")).isEqualTo("1");
        } finally {
            pier.destroy();
            pier.waitFor();
        }
        Process again = PierProcesses.start(dir, "again", "serve", "--config", config.toString());
        try {
            int port = PierProcesses.loggedPort(dir, "again", "Listening on");
            assertThat(get(port, "/counter/lobby")).as("the object's storage outlived the process").isEqualTo("3");
            assertThat(dir.resolve("durable-objects")).isDirectory();
        } finally {
            again.destroy();
            again.waitFor();
        }
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
