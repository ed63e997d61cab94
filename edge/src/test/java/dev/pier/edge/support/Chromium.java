package dev.pier.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium (Debian's chromium and chromium-driver packages) driven over the W3C
 * WebDriver protocol: enough to open a page and run a script in it. The certificate check is
 * off because the tests' certificates are made on the spot.
 */
public final class Chromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process driver;
    private final String base;
    private final String session;
    private final Path profile;

    private Chromium(Process driver, String base, String session, Path profile) {
        this.driver = driver;
        this.base = base;
        this.session = session;
        this.profile = profile;
    }

    public static Chromium start() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process driver = new ProcessBuilder("chromedriver", "--port=" + port)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; ; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                if (i > 100) {
                    driver.destroy();
                    throw new IllegalStateException("chromedriver did not start", e);
                }
                Thread.sleep(100);
            }
        }
        Path profile = Files.createTempDirectory("pier-chromium");
        Map<String, Object> capabilities = Map.of("capabilities", Map.of("alwaysMatch", Map.of(
                "browserName", "chrome",
                "acceptInsecureCerts", true,
                "goog:chromeOptions", Map.of("binary", "/usr/bin/chromium", "args", List.of(
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--ignore-certificate-errors", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--disable-quic", "--user-data-dir=" + profile)))));
        JsonNode created = post(http, base + "/session", capabilities);
        return new Chromium(driver, base, created.path("value").path("sessionId").asText(), profile);
    }

    private static JsonNode post(HttpClient http, String url, Object body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + url + ": " + json.path("value").path("message").asText(response.body()));
        }
        return json;
    }

    public void open(String url) throws Exception {
        post(http, base + "/session/" + session + "/url", Map.of("url", url));
    }

    /** Runs an asynchronous script (it calls its last argument when done) and returns its result. */
    public JsonNode runAsync(String script) throws Exception {
        post(http, base + "/session/" + session + "/timeouts", Map.of("script", 30_000));
        return post(http, base + "/session/" + session + "/execute/async", Map.of("script", script, "args", List.of()))
                .path("value");
    }

    @Override
    public void close() throws Exception {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/session/" + session)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        } finally {
            driver.destroy();
            driver.waitFor();
        }
    }
}
