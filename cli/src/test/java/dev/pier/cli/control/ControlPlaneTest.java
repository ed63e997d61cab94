package dev.pier.cli.control;

import static dev.pier.cli.control.TestControlPlane.awaitWithinASecond;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.control.api.ControlApi;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane in one process, end to end: Cloudflare's curl lines for the websockets
 * setting, run verbatim but for the host, against the admin listener; the edge refuses new
 * upgrades within a second and leaves open WebSockets alone.
 */
class ControlPlaneTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestControlPlane plane;
    String token;
    String zoneId;

    @BeforeEach
    void start() throws Exception {
        plane = new TestControlPlane(dir);
        token = plane.token;
        zoneId = plane.zoneId;
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    /** Cloudflare's documented call, with only api.cloudflare.com replaced by this admin listener. */
    JsonNode curl(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script.replace("https://api.cloudflare.com", "http://127.0.0.1:" + plane.adminPort()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // curl's progress meter goes to stderr
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return JSON.readTree(out);
    }

    String env() {
        return "ACCOUNT_ID=" + ControlApi.ACCOUNT_ID + " ZONE_ID=" + zoneId + " CLOUDFLARE_API_TOKEN=" + token + "; ";
    }

    WebSocket connect(BlockingQueue<String> echoes) {
        return plane.connect(new WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                echoes.add(data.toString());
                ws.request(1);
                return null;
            }
        });
    }

    boolean upgradeRefused() {
        return plane.upgradeRefused();
    }

    @Test
    void cloudflaresCurlLinesTurnWebsocketsOffAndOnWithinASecond() throws Exception {
        BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
        WebSocket open = connect(echoes);

        JsonNode got = curl(env() + """
                curl https://api.cloudflare.com/client/v4/zones/$ZONE_ID/settings/websockets \\
                    -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN"
                """);
        assertThat(got.path("success").asBoolean()).isTrue();
        assertThat(got.path("result").path("id").asText()).isEqualTo("websockets");
        assertThat(got.path("result").path("value").asText()).isEqualTo("on");

        JsonNode off = curl(env() + """
                curl https://api.cloudflare.com/client/v4/zones/$ZONE_ID/settings/websockets \\
                    -X PATCH \\
                    -H 'Content-Type: application/json' \\
                    -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
                    -d '{
                          "value": "off"
                        }'
                """);
        assertThat(off.path("success").asBoolean()).isTrue();
        assertThat(off.path("errors").isArray()).isTrue();
        assertThat(off.path("messages").isArray()).isTrue();
        assertThat(off.path("result").path("value").asText()).isEqualTo("off");
        assertThat(off.path("result").path("editable").asBoolean()).isTrue();
        assertThat(off.path("result").path("modified_on").asText()).isNotEmpty();

        long patched = System.nanoTime();
        awaitWithinASecond(patched, this::upgradeRefused);
        // the WebSocket opened before the change is left alone
        open.sendText("still here", true).join();
        assertThat(echoes.poll(5, TimeUnit.SECONDS)).isEqualTo("still here");

        curl(env() + """
                curl https://api.cloudflare.com/client/v4/zones/$ZONE_ID/settings/websockets \\
                    -X PATCH -H 'Content-Type: application/json' -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
                    -d '{"value": "on"}'
                """);
        long on = System.nanoTime();
        awaitWithinASecond(on, () -> !upgradeRefused());
        open.sendClose(1000, "").join();
        // the token went over the API many times; it is in no log and not in the store
        assertThat(Files.readString(dir.resolve("requests.ndjson"))).doesNotContain(token);
        assertThat(plane.control.store().audit(Set.of(), 1, 100).items()).allSatisfy(e -> assertThat(String.valueOf(e.after())).doesNotContain(token));
    }

    @Test
    void aCustomRuleAddedThroughTheApiBlocksUpgradesWithinASecond() throws Exception {
        JsonNode ruleset = curl(env() + """
                curl https://api.cloudflare.com/client/v4/zones/$ZONE_ID/rulesets/phases/http_request_firewall_custom/entrypoint \\
                    -X PUT -H 'Content-Type: application/json' -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
                    -d '{"rules": [{"expression": "http.request.uri.path eq \\"/\\"", "action": "block"}]}'
                """);
        assertThat(ruleset.path("success").asBoolean()).as(ruleset.toString()).isTrue();
        long put = System.nanoTime();
        awaitWithinASecond(put, this::upgradeRefused);
        // the refusal is in the request log (written by its own thread: wait for it)
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Files.readAllLines(dir.resolve("requests.ndjson")).stream().noneMatch(l -> l.contains("\"SecurityAction\":\"block\""))) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * Cloudflare's call to route a pattern to a Worker: the edge, which follows the store, sends
     * the pattern's requests to the file's Worker within a second, and to the origin again once
     * the route is deleted.
     */
    @Test
    void aWorkerRouteCreatedThroughTheApiSendsRequestsToTheWorkerWithinASecond() throws Exception {
        assertThat(plane.get("/hello").body()).as("the origin, before").doesNotContain("greeting worker");
        JsonNode created = curl(env() + """
                curl https://api.cloudflare.com/client/v4/zones/$ZONE_ID/workers/routes \\
                    -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
                    -d '{"pattern": "127.0.0.1/hello*", "script": "greeting"}'
                """);
        assertThat(created.path("success").asBoolean()).as(created.toString()).isTrue();
        long posted = System.nanoTime();
        awaitWithinASecond(posted, () -> plane.get("/hello/there").body().equals("greeting worker: /hello/there\n"));
        assertThat(plane.get("/other").body()).as("a path the pattern leaves out").doesNotContain("greeting worker");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Files.readAllLines(dir.resolve("requests.ndjson")).stream().noneMatch(l -> l.contains("\"WorkerScriptName\":\"greeting\""))) {
            assertThat(System.nanoTime()).as("the request log names the Worker").isLessThan(deadline);
            Thread.sleep(50);
        }

        JsonNode deleted = curl(env() + """
                curl https://api.cloudflare.com/client/v4/zones/$ZONE_ID/workers/routes/%s \\
                    -X DELETE -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN"
                """.formatted(created.path("result").path("id").asText()));
        assertThat(deleted.path("success").asBoolean()).as(deleted.toString()).isTrue();
        long removed = System.nanoTime();
        awaitWithinASecond(removed, () -> !plane.get("/hello/there").body().contains("greeting worker"));
    }

    @Test
    void anIpListChangedThroughTheApiChangesWhatARuleBlocksWithinASecond() throws Exception {
        String list = curl(env() + """
                curl https://api.cloudflare.com/client/v4/accounts/$ACCOUNT_ID/rules/lists -X POST -H 'Content-Type: application/json' \\
                    -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -d '{"name": "banned", "kind": "ip"}'
                """).path("result").path("id").asText();
        curl(env() + """
                curl https://api.cloudflare.com/client/v4/accounts/$ACCOUNT_ID/rules/lists/%s/items -X POST -H 'Content-Type: application/json' \\
                    -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -d '[{"ip": "127.0.0.0/8"}]'
                """.formatted(list));
        curl(env() + """
                curl https://api.cloudflare.com/client/v4/zones/$ZONE_ID/rulesets/phases/http_request_firewall_custom/entrypoint \\
                    -X PUT -H 'Content-Type: application/json' -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
                    -d '{"rules": [{"expression": "ip.src in $banned", "action": "block"}]}'
                """);
        long put = System.nanoTime();
        awaitWithinASecond(put, this::upgradeRefused);
        curl(env() + """
                curl https://api.cloudflare.com/client/v4/accounts/$ACCOUNT_ID/rules/lists/%s/items -X PUT -H 'Content-Type: application/json' \\
                    -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -d '[{"ip": "192.0.2.1"}]'
                """.formatted(list));
        long replaced = System.nanoTime();
        awaitWithinASecond(replaced, () -> !upgradeRefused());
    }
}
