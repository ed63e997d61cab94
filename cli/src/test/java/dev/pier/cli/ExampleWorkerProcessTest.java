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
 * node deploys the example echo Worker from its own classpath, and the route sends {@code /echo}
 * to it, where a WebSocket gets every message back.
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
        } finally {
            pier.destroy();
            pier.waitFor();
        }
    }
}
