package dev.pier.cli.control;

import static dev.pier.cli.control.TestControlPlane.awaitWithinASecond;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.config.Certificates;
import dev.pier.control.api.ControlApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloudflare's own client library (the {@code cloudflare} package on npm, pinned in
 * {@code src/test/node/cloudflare-sdk}) against Pier, with nothing changed but its base URL: the
 * paths, the envelope, paging and the errors are what the library expects, and what it changes
 * reaches the edge within a second.
 */
class CloudflareClientLibraryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static NodeProject library;

    @TempDir
    Path dir;
    TestControlPlane plane;

    /** Installs the pinned library from the lock file (npm ci) into target/, once per build. */
    @BeforeAll
    static void installTheLibrary() throws Exception {
        library = NodeProject.install("cloudflare-sdk", "cloudflare", 180);
    }

    @BeforeEach
    void start() throws Exception {
        plane = new TestControlPlane(dir);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    /** One step of client.mjs, with the library's own environment variables (and the step's own). */
    JsonNode step(String name, String... environment) throws Exception {
        ProcessBuilder node = library.command("node", "client.mjs", name, "127.0.0.1");
        node.environment().put("CLOUDFLARE_BASE_URL", "http://127.0.0.1:" + plane.adminPort() + "/client/v4");
        node.environment().put("CLOUDFLARE_API_TOKEN", plane.token);
        node.environment().put("PIER_ACCOUNT_ID", ControlApi.ACCOUNT_ID);
        for (int i = 0; i < environment.length; i += 2) {
            node.environment().put(environment[i], environment[i + 1]);
        }
        return JSON.readTree(NodeProject.run(node, 60));
    }

    @Test
    void theLibraryTurnsWebsocketsOffAndOnAndTheEdgeFollows() throws Exception {
        JsonNode got = step("websocketsOff");
        assertThat(got.path("zones")).extracting(JsonNode::asText).containsExactly("127.0.0.1");
        assertThat(got.path("zone").asText()).isEqualTo("127.0.0.1");
        assertThat(got.path("token").asText()).isEqualTo("active");
        assertThat(got.path("before").path("value").asText()).isEqualTo("on");
        assertThat(got.path("after").path("id").asText()).isEqualTo("websockets");
        assertThat(got.path("after").path("value").asText()).isEqualTo("off");
        assertThat(got.path("after").path("editable").asBoolean()).isTrue();
        long off = System.nanoTime();
        awaitWithinASecond(off, plane::upgradeRefused);

        assertThat(step("websocketsOn").path("after").path("value").asText()).isEqualTo("on");
        long on = System.nanoTime();
        awaitWithinASecond(on, () -> !plane.upgradeRefused());
    }

    @Test
    void theLibraryManagesRecordsListsAndRulesAndPagesThroughLists() throws Exception {
        JsonNode got = step("configure");
        JsonNode dns = got.path("dns");
        assertThat(dns.path("created").asText()).isEqualTo("192.0.2.7");
        assertThat(dns.path("edited").asText()).isEqualTo("192.0.2.8");
        assertThat(dns.path("names")).extracting(JsonNode::asText).containsExactlyInAnyOrder("127.0.0.1", "sdk.127.0.0.1");
        assertThat(dns.path("deleted").asBoolean()).isTrue();
        assertThat(got.path("list").path("operation").asText()).isEqualTo("completed");
        assertThat(got.path("list").path("items")).extracting(JsonNode::asText).containsExactly("127.0.0.0/8");
        assertThat(got.path("ruleset").path("phase").asText()).isEqualTo("http_request_firewall_custom");
        assertThat(got.path("ruleset").path("rules")).extracting(JsonNode::asText).containsExactly("from the SDK");
        assertThat(got.path("phases")).extracting(JsonNode::asText).contains("http_request_firewall_custom", "http_request_origin");
        // the library paged through the audit log two entries at a time, to its end
        assertThat(got.path("audit").asInt()).isEqualTo(plane.control.store().audit(Set.of(), 1, 1000).totalCount());

        // the rule on the library's IP list blocks /sdk from loopback, and nothing else
        long configured = System.nanoTime();
        awaitWithinASecond(configured, () -> plane.status("/sdk") == 403);
        assertThat(plane.status("/")).isEqualTo(200);
    }

    @Test
    void theLibraryTakesAZoneFromCreationToDeletion() throws Exception {
        JsonNode got = step("zoneLifecycle");
        assertThat(got.path("zone").asText()).isEqualTo("sdk.example");
        assertThat(got.path("tls").asText()).isEqualTo("1.3");
        assertThat(got.path("record").path("content").asText()).isEqualTo("o2.example.net");
        assertThat(got.path("record").path("proxied").asBoolean()).isFalse();
        assertThat(got.path("versions")).extracting(JsonNode::asText).containsExactly("1", "2", "3", "4");
        assertThat(got.path("edited").asText()).isEqualTo("http.request.uri.path eq \"/y\"");
        assertThat(got.path("rulesAfter").asInt()).isEqualTo(1);
        assertThat(got.path("deleted").asBoolean()).isTrue();
        assertThat(got.path("left").asInt()).isZero();
        assertThat(plane.control.store().zones("sdk.example", 1, 1).totalCount()).isZero();
    }

    @Test
    void theLibraryUploadsReadsAndDeletesAnEdgeCertificate() throws Exception {
        Certificates.SelfSigned pem = Certificates.selfSigned("chat.example.com", "*.chat.example.com");
        Certificates.SelfSigned renewed = Certificates.selfSigned(Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(400)), "chat.example.com");
        JsonNode got = step("certificates", "PEM_CERTIFICATE", pem.certificatePem(), "PEM_KEY", pem.keyPem(),
                "PEM_OTHER_KEY", Certificates.selfSigned("chat.example.com").keyPem(),
                "PEM_RENEWED_CERTIFICATE", renewed.certificatePem(), "PEM_RENEWED_KEY", renewed.keyPem());
        assertThat(got.path("hosts")).extracting(JsonNode::asText).containsExactly("chat.example.com", "*.chat.example.com");
        assertThat(got.path("renewedHosts")).extracting(JsonNode::asText).containsExactly("chat.example.com");
        assertThat(got.path("status").asText()).isEqualTo("active");
        assertThat(got.path("expires").asText()).as("read after the renewal")
                .isEqualTo(renewed.certificate().getNotAfter().toInstant().toString());
        assertThat(got.path("listed").size()).isEqualTo(1);
        assertThat(got.path("deleted").asBoolean()).isTrue();
        assertError(got.path("mismatched"), "BadRequestError", 400, 2200);
        assertThat(got.path("text").asText()).as("the key never comes back").doesNotContain("PRIVATE KEY");
        assertThat(plane.control.store().zones("example.com", 1, 1).totalCount()).isZero();
    }

    @Test
    void theLibrarySetsAndResetsUrlNormalizationAndTheEdgeFollows() throws Exception {
        assertThat(plane.status("/%61dmin")).isNotEqualTo(403);
        JsonNode got = step("urlNormalizationOff");
        assertThat(got.path("before")).isEqualTo(JSON.readTree("{\"type\":\"cloudflare\",\"scope\":\"incoming\"}"));
        assertThat(got.path("after")).isEqualTo(JSON.readTree("{\"type\":\"cloudflare\",\"scope\":\"none\"}"));
        assertThat(got.path("read")).isEqualTo(got.path("after"));
        assertError(got.path("refused"), "BadRequestError", 400, 1007);
        long off = System.nanoTime();
        awaitWithinASecond(off, () -> plane.status("/admin") == 403); // the rule is in force
        assertThat(plane.status("/%61dmin")).as("not normalized: the rule does not see /admin").isNotEqualTo(403);

        assertThat(step("urlNormalizationReset").path("after")).isEqualTo(got.path("before"));
        long reset = System.nanoTime();
        awaitWithinASecond(reset, () -> plane.status("/%61dmin") == 403);
        assertThat(plane.status("//admin")).isEqualTo(403);
    }

    @Test
    void cloudflaresErrorsArriveAsTheLibrarysErrorsAndChangeNothing() throws Exception {
        long before = plane.control.store().lastChange();
        JsonNode got = step("errors");
        assertError(got.path("badValue"), "BadRequestError", 400, 1007);
        assertError(got.path("unknownSetting"), "BadRequestError", 400, 1006);
        assertError(got.path("badRule"), "BadRequestError", 400, 20021);
        assertThat(got.path("badRule").path("errors").get(0).path("message").asText()).contains("unknown field http.request.uri.paht");
        assertError(got.path("wrongToken"), "PermissionDeniedError", 403, 10000);
        assertError(got.path("noZone"), "NotFoundError", 404, 7003);
        assertThat(plane.control.store().lastChange()).isEqualTo(before);
    }

    static void assertError(JsonNode failure, String type, int status, int code) {
        assertThat(failure.path("type").asText()).as(failure.toString()).isEqualTo(type);
        assertThat(failure.path("status").asInt()).isEqualTo(status);
        assertThat(failure.path("errors").get(0).path("code").asInt()).isEqualTo(code);
    }
}
