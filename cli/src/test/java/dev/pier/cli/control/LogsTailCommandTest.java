package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.PierCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pier logs tail} against a real edge and its API: it prints the records of requests
 * made through the edge that pass its short-form filter, with its fields, and ends with exit 0
 * when its session ends (here: replaced by a new session of the zone).
 */
class LogsTailCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsMatchingRecordsUntilTheSessionEnds() throws Exception {
        try (TestControlPlane node = new TestControlPlane(dir)) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = PierCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("logs", "tail", "--zone", "127.0.0.1",
                    "--filter", "ClientRequestPath startsWith /api and EdgeResponseStatus lt 500", "--fields", "ClientRequestPath,EdgeResponseStatus",
                    "--api", "http://127.0.0.1:" + node.adminPort(), "--token", node.token));
            long since = System.nanoTime();
            TestControlPlane.awaitWithin(Duration.ofSeconds(20), since, () -> err.toString().contains("Streaming"));
            node.get("/api/seen");
            node.get("/hidden");
            TestControlPlane.awaitWithin(Duration.ofSeconds(10), System.nanoTime(), () -> out.toString().contains("/api/seen"));
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/client/v4/zones/"
                            + node.zoneId + "/logpush/edge/jobs")).header("Authorization", "Bearer " + node.token)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(out.toString().strip().lines()).containsExactly("{\"ClientRequestPath\":\"/api/seen\",\"EdgeResponseStatus\":200}");
            assertThat(err.toString()).contains("Session ended: 1000 a new live log session");
        }
    }
}
