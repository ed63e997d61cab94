package dev.pier.cli.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pier logs tail}: begins a live log session for a zone through the API
 * ({@code POST /zones/ID/logpush/edge/jobs}) and prints its records, one NDJSON line each, to
 * stdout as they arrive, until the session ends (an hour, or a new session of the zone) or the
 * command is interrupted. Status lines go to stderr.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Prints a zone's request records live, one JSON line each, as the edge finishes them (Instant Logs)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the session ended", "1:the API refused or could not be reached", "2:bad flags"})
public final class TailCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--zone", required = true, paramLabel = "NAME", description = "The zone, by name.")
    String zone;

    @Option(names = "--filter", paramLabel = "EXPR", description = {
        "Which records: KEY OPERATOR VALUE joined by 'and' or 'or', e.g. 'EdgeResponseStatus eq 403 and ClientRequestPath startsWith /api',",
        "or Cloudflare's JSON filter ({\"where\":...})."})
    String filter;

    @Option(names = "--fields", paramLabel = "a,b", description = "Fields of the http_requests dataset, comma-separated (default: all).")
    String fields;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "1", description = "Send one record in N (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:PIER_API:-http://127.0.0.1:8081}",
            description = "The admin listener (default: $PIER_API, else ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--token", paramLabel = "T", defaultValue = "${env:PIER_API_TOKEN}",
            description = "An API token with Logs Read on the zone (default: $PIER_API_TOKEN).")
    String token;

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("--token: none (expected: an API token, or PIER_API_TOKEN set)");
        }
        String base = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        ObjectNode body = JSON.createObjectNode().put("kind", "instant-logs").put("sample", sample);
        if (fields != null) {
            body.put("fields", fields);
        }
        if (filter != null) {
            body.put("filter", ShortFilter.toJson(filter));
        }
        JsonNode zones = call(base, "GET", "/zones?name=" + URLEncoder.encode(zone, StandardCharsets.UTF_8), null);
        if (zones.get("result").isEmpty()) {
            throw new IllegalArgumentException("--zone: " + zone + " (expected: the name of a zone the token may read)");
        }
        String zoneId = zones.get("result").get(0).get("id").asText();
        JsonNode job = call(base, "POST", "/zones/" + zoneId + "/logpush/edge/jobs", body.toString()).get("result");
        String address = job.get("destination_conf").asText();
        CompletableFuture<String> ended = new CompletableFuture<>();
        http.newWebSocketBuilder().buildAsync(URI.create(address), new Printer(out, ended)).join();
        err.println("Streaming " + zone + "'s records (session " + job.get("session_id").asText() + "); CTRL+C ends.");
        err.flush();
        String how = ended.get();
        err.println("Session ended: " + how);
        err.flush();
        return 0;
    }

    private JsonNode call(String base, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/client/v4" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + ", not the API's JSON (is --api the admin listener?)");
        }
        if (!json.path("success").asBoolean()) {
            throw new IllegalStateException(method + " " + path + ": " + json.at("/errors/0/message").asText("HTTP " + response.statusCode()));
        }
        return json;
    }

    /** Prints each message's lines as they come. */
    private static final class Printer implements WebSocket.Listener {
        private final PrintWriter out;
        private final CompletableFuture<String> ended;
        private final StringBuilder partial = new StringBuilder();

        Printer(PrintWriter out, CompletableFuture<String> ended) {
            this.out = out;
            this.ended = ended;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                out.print(partial);
                if (partial.length() > 0 && partial.charAt(partial.length() - 1) != '\n') {
                    out.println();
                }
                out.flush();
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            ended.complete(code + (reason.isEmpty() ? "" : " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended.complete("connection lost: " + error);
        }
    }
}
