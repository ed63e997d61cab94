package dev.pier.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.Certificates;
import dev.pier.config.UrlNormalization;
import dev.pier.config.WorkerRoute;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredDnsRecord;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API's contract, run against each store: Cloudflare's shapes for zones and settings,
 * and every kind of bad request refused with Cloudflare's error and nothing written.
 */
abstract class ApiContract {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The path of Pier's one account. */
    static final String ACCOUNT = "/accounts/" + ControlApi.ACCOUNT_ID;

    Store store;
    ControlApi api;
    String admin;
    String zoneId;

    protected abstract Store open() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        store = open();
        api = new ControlApi(store);
        admin = api.credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
        zoneId = call("POST", "/zones", admin, "{\"name\":\"example.com\"}").path("result").path("id").asText();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    JsonNode call(String method, String path, String token, String body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        return call(method, path, headers, body);
    }

    int lastStatus;

    JsonNode call(String method, String path, Map<String, String> headers, String body) throws Exception {
        int q = path.indexOf('?');
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : path.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], List.of(kv.length > 1 ? kv[1] : ""));
            }
        }
        ApiResponse response = api.handle(new ApiRequest(method, q < 0 ? path : path.substring(0, q), query, headers,
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
        lastStatus = response.status();
        return JSON.readTree(response.json());
    }

    @Test
    void theWebsocketsSettingInCloudflaresShape() throws Exception {
        JsonNode before = call("GET", "/zones/" + zoneId + "/settings/websockets", admin, null);
        assertThat(before.path("success").asBoolean()).isTrue();
        assertThat(before.path("result").path("value").asText()).isEqualTo("on");
        assertThat(before.path("result").path("modified_on").isNull()).isTrue();

        // Cloudflare's documented call: PATCH .../settings/websockets with {"value":"on"}
        JsonNode patched = call("PATCH", "/zones/" + zoneId + "/settings/websockets", admin, "{\"value\":\"off\"}");
        assertThat(lastStatus).isEqualTo(200);
        assertThat(patched.path("success").asBoolean()).isTrue();
        assertThat(patched.path("errors").size()).isZero();
        assertThat(patched.path("messages").isArray()).isTrue();
        JsonNode result = patched.path("result");
        assertThat(result.path("id").asText()).isEqualTo("websockets");
        assertThat(result.path("value").asText()).isEqualTo("off");
        assertThat(result.path("editable").asBoolean()).isTrue();
        assertThat(result.path("modified_on").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        JsonNode all = call("GET", "/zones/" + zoneId + "/settings", admin, null);
        assertThat(all.path("result").findValuesAsText("id")).contains("websockets", "ssl", "min_tls_version");

        JsonNode several = call("PATCH", "/zones/" + zoneId + "/settings", admin,
                "{\"items\":[{\"id\":\"websockets\",\"value\":\"on\"},{\"id\":\"ssl\",\"value\":\"strict\"}]}");
        assertThat(several.path("result").findValuesAsText("value")).containsExactly("on", "strict");
        assertThat(store.audit(Set.of(zoneId), 1, 10).items()).hasSize(4); // zone, websockets, websockets and ssl
        assertThat(call("PATCH", "/zones/" + zoneId + "/settings/proxy_read_timeout", admin, "{\"value\":\"30\"}")
                .path("result").path("value").asText()).isEqualTo("30");
        assertError(call("PATCH", "/zones/" + zoneId + "/settings/proxy_read_timeout", admin, "{\"value\":\"0\"}"), 400, 1007,
                "Invalid value for zone setting proxy_read_timeout (expected: a number of seconds from 1 to 6000, e.g. \"100\")");
    }

    /**
     * Cloudflare's {@code security_header} (HSTS), added to Pier as one {@code ZoneSetting} entry:
     * off by default, Cloudflare's value shape in and out, the edge's zone reads it, and a bad
     * value is Cloudflare's 1007 with what is expected, writing nothing.
     */
    @Test
    void securityHeaderInCloudflaresShape() throws Exception {
        String path = "/zones/" + zoneId + "/settings/security_header";
        JsonNode before = call("GET", path, admin, null);
        assertThat(lastStatus).isEqualTo(200);
        assertThat(before.path("result").path("id").asText()).isEqualTo("security_header");
        assertThat(before.path("result").path("value")).isEqualTo(JSON.readTree("{\"strict_transport_security\":{\"enabled\":false,"
                + "\"max_age\":0,\"include_subdomains\":false,\"preload\":false,\"nosniff\":false}}"));
        assertThat(before.path("result").path("modified_on").isNull()).isTrue();
        assertThat(call("GET", "/zones/" + zoneId + "/settings", admin, null).path("result").findValuesAsText("id"))
                .contains("security_header");

        String on = "{\"strict_transport_security\":{\"enabled\":true,\"max_age\":31536000,\"include_subdomains\":true,"
                + "\"preload\":false,\"nosniff\":true}}";
        JsonNode patched = call("PATCH", path, admin, "{\"value\":" + on + "}");
        assertThat(lastStatus).isEqualTo(200);
        assertThat(patched.path("result").path("value")).isEqualTo(JSON.readTree(on));
        assertThat(call("GET", path, admin, null).path("result").path("value")).isEqualTo(JSON.readTree(on));
        assertThat(dev.pier.control.StoredZones.load(store).get(0).settings().securityHeader())
                .isEqualTo(new dev.pier.config.SecurityHeader(true, 31_536_000, true, false, true));

        long written = store.lastChange();
        String expected = "Invalid value for zone setting security_header (expected: {\"strict_transport_security\": {\"enabled\": "
                + "true or false, \"max_age\": seconds from 0 to 63072000, \"include_subdomains\": true or false, \"preload\": "
                + "true or false, \"nosniff\": true or false}})";
        for (String bad : List.of("\"on\"", "{\"strict_transport_security\":{\"enabled\":\"yes\"}}",
                "{\"strict_transport_security\":{\"max_age\":-1}}", "{\"strict_transport_security\":{\"max_age\":63072001}}",
                "{\"strict_transport_security\":{\"enabled\":true,\"maxage\":10}}", "{\"hsts\":{}}")) {
            assertError(call("PATCH", path, admin, "{\"value\":" + bad + "}"), 400, 1007, expected);
        }
        assertThat(store.lastChange()).isEqualTo(written);
        assertThat(call("GET", path, admin, null).path("result").path("value")).isEqualTo(JSON.readTree(on));
    }

    /** Cloudflare's {@code /zones/{id}/url_normalization}: its shape, its default, its checks, and the edge's zone reads it. */
    @Test
    void urlNormalizationInCloudflaresShape() throws Exception {
        String path = "/zones/" + zoneId + "/url_normalization";
        JsonNode before = call("GET", path, admin, null);
        assertThat(lastStatus).isEqualTo(200);
        assertThat(before.path("result")).isEqualTo(JSON.readTree("{\"type\":\"cloudflare\",\"scope\":\"incoming\"}"));

        JsonNode put = call("PUT", path, admin, "{\"type\":\"rfc3986\",\"scope\":\"both\"}");
        assertThat(lastStatus).isEqualTo(200);
        assertThat(put.path("success").asBoolean()).isTrue();
        assertThat(put.path("result")).isEqualTo(JSON.readTree("{\"type\":\"rfc3986\",\"scope\":\"both\"}"));
        assertThat(call("GET", path, admin, null).path("result")).isEqualTo(put.path("result"));
        assertThat(dev.pier.control.StoredZones.load(store).get(0).settings().urlNormalization())
                .isEqualTo(new UrlNormalization(UrlNormalization.Type.RFC3986, UrlNormalization.Scope.BOTH));
        assertThat(store.audit(Set.of(zoneId), 1, 1).items().get(0).resourceId()).isEqualTo("url_normalization");

        long written = store.lastChange();
        assertError(call("PUT", path, admin, "{\"type\":\"cloudflare\"}"), 400, 1007,
                "Invalid URL normalization scope: missing (expected: \"incoming\", \"both\" or \"none\")");
        assertError(call("PUT", path, admin, "{\"type\":\"strict\",\"scope\":\"none\"}"), 400, 1007,
                "Invalid URL normalization type: \"strict\" (expected: \"cloudflare\" or \"rfc3986\")");
        assertError(call("PUT", path, admin, "{\"type\":\"cloudflare\",\"scope\":1}"), 400, 1007,
                "Invalid URL normalization scope: 1 (expected: \"incoming\", \"both\" or \"none\")");
        assertError(call("PUT", path, admin, "{\"type\":\"cloudflare\",\"scope\":\"none\",\"merge_slashes\":true}"), 400, 1007,
                "Invalid URL normalization setting: unknown key merge_slashes (expected: {\"type\": \"cloudflare\" or \"rfc3986\", "
                        + "\"scope\": \"incoming\", \"both\" or \"none\"})");
        assertError(call("PUT", path, admin, "[]"), 400, 6007, "Malformed JSON in request body");
        assertError(call("POST", path, admin, "{}"), 405, 10405, "Method not allowed for " + path);
        assertThat(store.lastChange()).as("a refused change writes nothing").isEqualTo(written);
        // one way to change it: it is not one of the /settings
        assertError(call("PATCH", "/zones/" + zoneId + "/settings/url_normalization", admin, "{\"value\":\"none\"}"), 400, 1006,
                "Unrecognized zone setting name");
        assertThat(call("GET", "/zones/" + zoneId + "/settings", admin, null).path("result").findValuesAsText("id"))
                .doesNotContain("url_normalization");

        // permissions as the zone settings': read to read, write to write, and only on the token's zones
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_SETTINGS_READ), Set.of(), "test");
        String dnsOnly = api.credentials().issueToken("dns", EnumSet.of(Permission.DNS_WRITE), Set.of(), "test");
        String writer = api.credentials().issueToken("writer", EnumSet.of(Permission.ZONE_SETTINGS_WRITE), Set.of(zoneId), "test");
        String other = call("POST", "/zones", admin, "{\"name\":\"other.example\"}").path("result").path("id").asText();
        String elsewhere = api.credentials().issueToken("elsewhere", EnumSet.allOf(Permission.class), Set.of(other), "test");
        written = store.lastChange();
        assertThat(call("GET", path, reader, null).path("result").path("scope").asText()).isEqualTo("both");
        assertError(call("PUT", path, reader, "{\"type\":\"cloudflare\",\"scope\":\"none\"}"), 403, 10000, "Authentication error");
        assertError(call("DELETE", path, reader, null), 403, 10000, "Authentication error");
        assertError(call("GET", path, dnsOnly, null), 403, 10000, "Authentication error");
        assertError(call("GET", path, elsewhere, null), 403, 10000, "Authentication error");
        assertError(call("PUT", path, elsewhere, "{\"type\":\"cloudflare\",\"scope\":\"none\"}"), 403, 10000, "Authentication error");
        assertThat(store.lastChange()).as("no refused call writes").isEqualTo(written);
        assertThat(call("PUT", path, writer, "{\"type\":\"cloudflare\",\"scope\":\"none\"}").path("result").path("scope").asText())
                .isEqualTo("none");

        // DELETE: back to Cloudflare's default, nothing stored
        JsonNode deleted = call("DELETE", path, admin, null);
        assertThat(lastStatus).isEqualTo(200);
        assertThat(deleted.path("result")).isEqualTo(before.path("result"));
        assertThat(store.settings(zoneId)).doesNotContainKey("url_normalization");
        assertThat(dev.pier.control.StoredZones.load(store).get(0).settings().urlNormalization()).isEqualTo(UrlNormalization.DEFAULT);
    }

    @Test
    void badInputIsACloudflareErrorAndWritesNothing() throws Exception {
        long before = store.lastChange();
        String setting = "/zones/" + zoneId + "/settings/websockets";
        assertError(call("PATCH", setting, admin, "{\"value\":"), 400, 6007, "Malformed JSON in request body");
        assertError(call("PATCH", "/zones/" + zoneId + "/settings/websocket", admin, "{\"value\":\"on\"}"), 400, 1006,
                "Unrecognized zone setting name");
        assertError(call("PATCH", setting, admin, "{\"value\":\"maybe\"}"), 400, 1007,
                "Invalid value for zone setting websockets (expected: \"on\" or \"off\")");
        assertError(call("PATCH", "/zones/" + zoneId + "/settings", admin,
                "{\"items\":[{\"id\":\"websockets\",\"value\":\"off\"},{\"id\":\"ssl\",\"value\":\"sometimes\"}]}"), 400, 1007,
                "Invalid value for zone setting ssl (expected: \"off\" or \"flexible\" or \"full\" or \"strict\")");
        assertError(call("PATCH", setting, (String) null, "{\"value\":\"off\"}"), 400, 10000, "Authentication error");
        assertError(call("PATCH", setting, "A".repeat(40), "{\"value\":\"off\"}"), 403, 10000, "Authentication error");
        JsonNode malformed = call("PATCH", setting, Map.of("authorization", "Bearer not a token"), "{\"value\":\"off\"}");
        assertError(malformed, 400, 6003, "Invalid request headers");
        assertThat(malformed.path("errors").get(0).path("error_chain").get(0).path("code").asInt()).isEqualTo(6111);
        JsonNode badKey = call("PATCH", setting, Map.of("x-auth-email", "a@example.com", "x-auth-key", "nope"), "{\"value\":\"off\"}");
        assertThat(badKey.path("errors").get(0).path("error_chain").get(0).path("code").asInt()).isEqualTo(6103);

        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_SETTINGS_READ), Set.of(), "test");
        assertThat(call("GET", setting, reader, null).path("success").asBoolean()).isTrue();
        assertError(call("PATCH", setting, reader, "{\"value\":\"off\"}"), 403, 10000, "Authentication error");

        String other = call("POST", "/zones", admin, "{\"name\":\"other.example\"}").path("result").path("id").asText();
        before = store.lastChange();
        String scoped = api.credentials().issueToken("scoped", EnumSet.allOf(Permission.class), Set.of(other), "test");
        before = store.lastChange();
        assertError(call("PATCH", setting, scoped, "{\"value\":\"off\"}"), 403, 10000, "Authentication error");
        assertThat(names(call("GET", "/zones", scoped, null))).containsExactly("other.example");
        assertThat(store.lastChange()).isEqualTo(before);
        assertThat(store.settings(zoneId)).isEmpty();
    }

    /** The zone names of a list answer. */
    static List<String> names(JsonNode response) {
        List<String> out = new java.util.ArrayList<>();
        response.path("result").forEach(z -> out.add(z.path("name").asText()));
        return out;
    }

    static void assertError(JsonNode response, int status, int code, String message) {
        assertThat(response.path("success").asBoolean()).isFalse();
        assertThat(response.path("result").isNull()).isTrue();
        assertThat(response.path("errors").get(0).path("code").asInt()).isEqualTo(code);
        assertThat(response.path("errors").get(0).path("message").asText()).isEqualTo(message);
    }

    @Test
    void zonesAreListedByNameAndPageCreatedOnceAndDeleted() throws Exception {
        call("POST", "/zones", admin, "{\"name\":\"b.example\"}");
        call("POST", "/zones", admin, "{\"name\":\"a.example\"}");
        JsonNode page = call("GET", "/zones?per_page=5&page=1", admin, null);
        assertThat(names(page)).containsExactly("a.example", "b.example", "example.com");
        assertThat(page.path("result_info").path("total_count").asInt()).isEqualTo(3);
        assertThat(page.path("result_info").path("per_page").asInt()).isEqualTo(5);
        assertThat(names(call("GET", "/zones?name=b.example", admin, null))).containsExactly("b.example");
        JsonNode zone = call("GET", "/zones/" + zoneId, admin, null).path("result");
        assertThat(zone.path("id").asText()).matches("[0-9a-f]{32}");
        assertThat(zone.path("status").asText()).isEqualTo("active");

        assertError(call("POST", "/zones", admin, "{\"name\":\"example.com\"}"), 400, 1061, "zone example.com already exists");
        assertError(call("POST", "/zones", admin, "{\"name\":\"bad name\"}"), 400, 1097, "Invalid zone name: bad name");
        assertThat(call("DELETE", "/zones/" + zoneId, admin, null).path("result").path("id").asText()).isEqualTo(zoneId);
        assertError(call("GET", "/zones/" + zoneId, admin, null), 404, 7003,
                "Could not route to /zones/" + zoneId + ", perhaps your object identifier is invalid?");
    }

    @Test
    void tokensVerifyAndTheLegacyKeyWorks() throws Exception {
        JsonNode verified = call("GET", "/user/tokens/verify", admin, null);
        assertThat(verified.path("result").path("status").asText()).isEqualTo("active");
        assertThat(verified.path("messages").get(0).path("message").asText()).isEqualTo("This API Token is valid and active");

        String key = api.credentials().issueGlobalKey("ops@example.com", "test");
        JsonNode viaKey = call("GET", "/zones/" + zoneId + "/settings/websockets",
                Map.of("x-auth-email", "ops@example.com", "x-auth-key", key), null);
        assertThat(viaKey.path("success").asBoolean()).isTrue();
        assertError(call("GET", "/zones", Map.of("x-auth-email", "someone@example.com", "x-auth-key", key), null), 403, 10000,
                "Authentication error");
        // the secret is never stored, not even in the audit log
        assertThat(store.audit(Set.of(), 1, 50).items()).allSatisfy(e -> assertThat(String.valueOf(e.after())).doesNotContain(admin).doesNotContain(key));
    }

    @Test
    void tokensAreListedAndRevokedByAnAdministratorOnly() throws Exception {
        String scoped = api.credentials().issueToken("scoped", EnumSet.allOf(Permission.class), Set.of(zoneId), "test");
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_READ), Set.of(), "test");
        JsonNode listed = call("GET", "/user/tokens", admin, null);
        assertThat(listed.path("result")).extracting(t -> t.path("name").asText()).containsExactly("admin", "scoped", "reader");
        assertThat(listed.toString()).doesNotContain(scoped).doesNotContain(store.tokens().get(1).secretHash());
        assertError(call("GET", "/user/tokens", scoped, null), 403, 10000, "Authentication error");
        assertError(call("GET", "/user/tokens", reader, null), 403, 10000, "Authentication error");

        String scopedId = listed.path("result").get(1).path("id").asText();
        assertError(call("DELETE", "/user/tokens/" + scopedId, reader, null), 403, 10000, "Authentication error");
        assertThat(call("GET", "/user/tokens/verify", scoped, null).path("success").asBoolean()).isTrue();
        assertThat(call("DELETE", "/user/tokens/" + scopedId, admin, null).path("result").path("id").asText()).isEqualTo(scopedId);
        assertError(call("GET", "/user/tokens/verify", scoped, null), 403, 10000, "Authentication error");
        assertError(call("DELETE", "/user/tokens/" + scopedId, admin, null), 404, 1003, "Token " + scopedId + " does not exist");
        assertThat(store.audit(Set.of(), 1, 1).items().get(0).action()).isEqualTo("delete");
        assertThat(store.audit(Set.of(), 1, 1).items().get(0).before()).contains("\"name\":\"scoped\"").doesNotContain(scoped);
    }

    /**
     * Every route against every kind of credential, as {@code authorization-matrix.txt} states:
     * a refused call gets error 10000 and writes nothing, an allowed one reaches its handler. A
     * route served without a row in the matrix, or a row for a route not served, fails the test.
     */
    @Test
    void everyRouteLetsThroughExactlyTheCredentialsTheMatrixNames() throws Exception {
        AuthorizationMatrix matrix = AuthorizationMatrix.load();
        assertThat(matrix.allowed().keySet()).as("the matrix's routes are the routes served")
                .containsExactlyInAnyOrderElementsOf(api.routes().stream().map(Route::toString).toList());

        String zoneB = call("POST", "/zones", admin, "{\"name\":\"other.example\"}").path("result").path("id").asText();
        Set<String> a = Set.of(zoneId);
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("none", null);
        tokens.put("revoked", api.credentials().issueToken("revoked", EnumSet.allOf(Permission.class), Set.of(), "test"));
        tokens.put("admin", admin);
        tokens.put("reader", issue("reader", Set.of(), Permission.ZONE_READ));
        tokens.put("writer", issue("writer", Set.of(), Permission.ZONE_WRITE, Permission.ZONE_SETTINGS_WRITE, Permission.DNS_WRITE,
                Permission.ZONE_WAF_WRITE, Permission.SSL_WRITE));
        tokens.put("a-read", issue("a-read", a, Permission.ZONE_READ));
        tokens.put("a-dns", issue("a-dns", a, Permission.DNS_WRITE));
        tokens.put("a-waf", issue("a-waf", a, Permission.ZONE_WAF_WRITE));
        tokens.put("a-ssl", issue("a-ssl", a, Permission.SSL_READ));
        tokens.put("a-sets", issue("a-sets", a, Permission.ZONE_SETTINGS_WRITE));
        tokens.put("a-all", issue("a-all", a, Permission.values()));
        tokens.put("b-all", issue("b-all", Set.of(zoneB), Permission.values()));
        tokens.put("analytics", issue("analytics", Set.of(), Permission.ANALYTICS_READ));
        tokens.put("l-read", issue("l-read", Set.of(), Permission.LISTS_READ));
        tokens.put("l-write", issue("l-write", Set.of(), Permission.LISTS_WRITE));
        tokens.put("w-read", issue("w-read", Set.of(), Permission.WORKERS_ROUTES_READ));
        tokens.put("w-write", issue("w-write", Set.of(), Permission.WORKERS_ROUTES_WRITE));
        assertThat(tokens.keySet()).as("the matrix's columns").containsExactlyElementsOf(matrix.credentials());
        String revokedId = store.tokens().stream().filter(t -> t.name().equals("revoked")).findFirst().orElseThrow().id();
        assertThat(call("DELETE", "/user/tokens/" + revokedId, admin, null).path("success").asBoolean()).isTrue();

        // deleting zone A comes last: every other call needs it
        List<String> routes = new java.util.ArrayList<>(matrix.allowed().keySet());
        routes.sort(java.util.Comparator.comparing(r -> r.equals("DELETE /zones/{zone_id}")));
        int calls = 0;
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replace("{zone_id}", zoneId).replace("{account_id}", ControlApi.ACCOUNT_ID)
                    .replace("{setting_id}", "websockets").replace("{ruleset_phase}", "http_request_firewall_custom")
                    .replace("{rule_id}", "no-such-rule").replaceAll("\\{[a-z_]+_id\\}", "0123456789abcdef0123456789abcdef");
            String body = method.equals("GET") ? null : "{}";
            List<Boolean> allowed = matrix.allowed().get(route);
            int i = 0;
            for (Map.Entry<String, String> credential : tokens.entrySet()) {
                String what = route + " with " + credential.getKey();
                int written = store.audit(Set.of(), 1, 1).totalCount();
                JsonNode answer = call(method, path, credential.getValue(), body);
                int code = answer.path("errors").path(0).path("code").asInt();
                if (allowed.get(i++)) {
                    assertThat(lastStatus).as(what + " is let through").isNotEqualTo(403);
                    assertThat(code).as(what + " reaches its handler").isNotIn(10000, 7000, 10405);
                } else {
                    assertThat(lastStatus).as(what + " is refused").isEqualTo(credential.getValue() == null ? 400 : 403);
                    assertThat(code).as(what + " is refused").isEqualTo(10000);
                    assertThat(store.audit(Set.of(), 1, 1).totalCount()).as(what + " writes nothing").isEqualTo(written);
                }
                calls++;
            }
        }
        assertThat(calls).isEqualTo(matrix.allowed().size() * tokens.size());
    }

    @Test
    void workerRoutesInCloudflaresShapeReachTheEdgesModel() throws Exception {
        String routes = "/zones/" + zoneId + "/workers/routes";
        JsonNode created = call("POST", routes, admin, "{\"pattern\":\"chat.example.com/*\",\"script\":\"chat\"}");
        assertThat(lastStatus).isEqualTo(200);
        assertThat(created.path("success").asBoolean()).isTrue();
        JsonNode chat = created.path("result");
        assertThat(chat.path("id").asText()).matches("[0-9a-f]{32}");
        assertThat(chat).isEqualTo(JSON.createObjectNode().put("id", chat.path("id").asText()).put("pattern", "chat.example.com/*")
                .put("script", "chat"));
        String id = chat.path("id").asText();
        JsonNode api = call("POST", routes, admin, "{\"pattern\":\"https://*Example.com/api/*\",\"script\":\"api\"}").path("result");
        assertThat(api.path("pattern").asText()).as("as the file reads a pattern").isEqualTo("*example.com/api/*");

        assertThat(call("GET", routes, admin, null).path("result")).containsExactly(api, chat);
        assertThat(call("GET", routes + "/" + id, admin, null).path("result")).isEqualTo(chat);
        assertThat(dev.pier.control.StoredZones.load(store).get(0).workerRoutes()).as("what the edge runs, most specific first")
                .containsExactly(new WorkerRoute("chat.example.com/*", "chat"), new WorkerRoute("*example.com/api/*", "api"));

        JsonNode replaced = call("PUT", routes + "/" + id, admin, "{\"pattern\":\"chat.example.com/v2/*\",\"script\":\"chat-v2\"}");
        assertThat(replaced.path("result")).isEqualTo(JSON.createObjectNode().put("id", id).put("pattern", "chat.example.com/v2/*")
                .put("script", "chat-v2"));
        assertThat(call("PUT", routes + "/" + id, admin, "{\"pattern\":\"chat.example.com/v2/*\",\"script\":\"chat\"}")
                .path("success").asBoolean()).as("a route keeps its own pattern").isTrue();
        assertThat(store.audit(Set.of(zoneId), 1, 1).items().get(0).resourceType()).isEqualTo("worker_route");

        assertThat(call("DELETE", routes + "/" + id, admin, null).path("result")).isEqualTo(JSON.createObjectNode().put("id", id));
        assertError(call("GET", routes + "/" + id, admin, null), 404, WorkerRoutesApi.NOT_FOUND, "Route not found.");
        assertThat(lastStatus).isEqualTo(404);
        assertError(call("DELETE", routes + "/" + id, admin, null), 404, WorkerRoutesApi.NOT_FOUND, "Route not found.");
        assertThat(call("GET", routes, admin, null).path("result")).containsExactly(api);
    }

    @Test
    void aBadOrDuplicateWorkerRouteIsRefusedWithCloudflaresErrorAndNothingWritten() throws Exception {
        String routes = "/zones/" + zoneId + "/workers/routes";
        String first = call("POST", routes, admin, "{\"pattern\":\"example.com/*\",\"script\":\"echo\"}").path("result").path("id").asText();
        String second = call("POST", routes, admin, "{\"pattern\":\"example.com/chat\",\"script\":\"chat\"}").path("result").path("id")
                .asText();
        long before = store.lastChange();
        String duplicate = "pattern: 'example.com/*' has a route in this zone already (expected: a pattern once per zone; change that route"
                + " with PUT)";
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{\"pattern\":\"example.com/*\",\"script\":\"other\"}", duplicate);
        refused.put("{\"pattern\":\"HTTP://Example.COM/*\",\"script\":\"other\"}", duplicate);
        refused.put("{\"pattern\":\"example.org/*\",\"script\":\"x\"}",
                "pattern: 'example.org/*' is not in zone example.com (expected: a host of the zone, e.g. example.com/*)");
        refused.put("{\"pattern\":\"*.example.com/*/x\",\"script\":\"x\"}",
                "pattern: '*.example.com/*/x' (expected: '*' only at the start of the host and the end of the path, and no port)");
        refused.put("{\"pattern\":\"example.com\",\"script\":\"x\"}",
                "pattern: 'example.com' (expected: a host and a path, e.g. chat.example.com/*)");
        refused.put("{\"script\":\"x\"}", "pattern: '' (expected: a host and a path, e.g. chat.example.com/*)");
        refused.put("{\"pattern\":42,\"script\":\"x\"}", "pattern: 42 (expected: a host and a path, e.g. example.com/*)");
        refused.put("{\"pattern\":\"example.com/" + "a".repeat(500) + "\",\"script\":\"x\"}", "pattern: 512 characters (expected: at most 500)");
        refused.put("{\"pattern\":\"example.com/a\\u0000\",\"script\":\"x\"}",
                "pattern: character 14 is U+0000 (expected: text without control characters)");
        refused.put("{\"pattern\":\"example.com/a\",\"script\":\"Chat!\"}",
                "script: 'Chat!' (expected: the name of a Worker: lower-case letters, digits, '-' and '_', at most 63)");
        refused.put("{\"pattern\":\"example.com/a\"}",
                "script: missing (expected: the name of a Worker: lower-case letters, digits, '-' and '_', at most 63)");
        refused.put("{\"pattern\":\"example.com/a\",\"script\":[\"x\"]}", "script: [\"x\"] (expected: the name of a Worker, e.g. chat)");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            assertError(call("POST", routes, admin, bad.getKey()), 0, bad.getValue() == duplicate ? WorkerRoutesApi.DUPLICATE
                    : WorkerRoutesApi.INVALID, bad.getValue());
            assertThat(lastStatus).as(bad.getKey()).isEqualTo(bad.getValue() == duplicate ? 409 : 400);
        }
        assertError(call("PUT", routes + "/" + second, admin, "{\"pattern\":\"example.com/*\",\"script\":\"chat\"}"), 409,
                WorkerRoutesApi.DUPLICATE, duplicate);
        assertError(call("PUT", routes + "/" + "0".repeat(32), admin, "{\"pattern\":\"example.com/b\",\"script\":\"b\"}"), 404,
                WorkerRoutesApi.NOT_FOUND, "Route not found.");
        assertError(call("POST", routes, admin, "[]"), 400, 6007, "Malformed JSON in request body");
        assertThat(store.lastChange()).as("nothing written").isEqualTo(before);
        assertThat(store.workerRoute(zoneId, first).orElseThrow().script()).isEqualTo("echo");
    }

    /**
     * Logpush jobs in Cloudflare's shape: create with Cloudflare's documented body, list, read,
     * change (PUT of some fields), delete; every bad setting refused with what was expected and
     * nothing written; the delivery reports show as last_complete, last_error and error_message.
     */
    @Test
    void logpushJobsInCloudflaresShape() throws Exception {
        String jobs = "/zones/" + zoneId + "/logpush/jobs";
        String body = "{\"name\":\"example.com-https\",\"dataset\":\"http_requests\",\"enabled\":true,"
                + "\"output_options\":{\"field_names\":[\"EdgeStartTimestamp\",\"RayID\"],\"timestamp_format\":\"rfc3339\"},"
                + "\"destination_conf\":\"https://logs.example.com?header_Authorization=Basic%20REDACTED&tags=host:example.com\","
                + "\"filter\":\"{\\\"where\\\":{\\\"and\\\":[{\\\"key\\\":\\\"ClientRequestPath\\\",\\\"operator\\\":\\\"contains\\\",\\\"value\\\":\\\"/static\\\"}]}}\","
                + "\"max_upload_bytes\":5000000,\"max_upload_records\":1000}";
        JsonNode created = call("POST", jobs, admin, body);
        assertThat(lastStatus).as(created.toString()).isEqualTo(200);
        JsonNode job = created.path("result");
        long id = job.path("id").asLong();
        assertThat(id).isPositive();
        assertThat(job.path("dataset").asText()).isEqualTo("http_requests");
        assertThat(job.path("enabled").asBoolean()).isTrue();
        assertThat(job.path("output_options").path("field_names").toString()).isEqualTo("[\"EdgeStartTimestamp\",\"RayID\"]");
        assertThat(job.path("output_options").path("timestamp_format").asText()).isEqualTo("rfc3339");
        assertThat(job.path("filter").asText()).contains("ClientRequestPath");
        assertThat(job.path("max_upload_bytes").asLong()).isEqualTo(5_000_000);
        assertThat(job.path("max_upload_records").asInt()).isEqualTo(1000);
        assertThat(job.path("max_upload_interval_seconds").asInt()).isEqualTo(30);
        assertThat(job.path("last_complete").isNull()).isTrue();
        JsonNode listed = call("GET", jobs, admin, null).path("result");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0)).isEqualTo(job);
        assertThat(call("GET", jobs + "/" + id, admin, null).path("result")).isEqualTo(job);
        assertThat(store.audit(Set.of(zoneId), 1, 1).items().get(0).resourceType()).isEqualTo("logpush_job");

        JsonNode changed = call("PUT", jobs + "/" + id, admin, "{\"enabled\":false,\"max_upload_interval_seconds\":60}").path("result");
        assertThat(changed.path("enabled").asBoolean()).isFalse();
        assertThat(changed.path("max_upload_interval_seconds").asInt()).isEqualTo(60);
        assertThat(changed.path("output_options")).as("kept").isEqualTo(job.path("output_options"));

        store.reportLogpushDelivery(id, java.time.Instant.parse("2026-05-01T12:00:00Z"), null);
        store.reportLogpushDelivery(id, java.time.Instant.parse("2026-05-01T12:01:00Z"), "https://logs.example.com answered 503");
        JsonNode reported = call("GET", jobs + "/" + id, admin, null).path("result");
        assertThat(reported.path("last_complete").asText()).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(reported.path("last_error").asText()).isEqualTo("2026-05-01T12:01:00Z");
        assertThat(reported.path("error_message").asText()).isEqualTo("https://logs.example.com answered 503");
        store.reportLogpushDelivery(id, java.time.Instant.parse("2026-05-01T12:02:00Z"), null);
        JsonNode recovered = call("GET", jobs + "/" + id, admin, null).path("result");
        assertThat(recovered.path("last_complete").asText()).isEqualTo("2026-05-01T12:02:00Z");
        assertThat(recovered.path("last_error").isNull()).as("a success clears the failure, as Cloudflare's job shows it").isTrue();
        assertThat(recovered.path("error_message").isNull()).isTrue();

        JsonNode fields = call("GET", "/zones/" + zoneId + "/logpush/datasets/websocket_analytics/fields", admin, null).path("result");
        assertThat(fields.path("BytesSentClient").asText()).startsWith("Number of bytes sent to the client");
        assertThat(fields.has("ConnectionCloseReason")).isTrue();

        long before = store.lastChange();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{\"destination_conf\":\"https://a.example\"}", "dataset: missing (expected: one of http_requests, websocket_analytics)");
        refused.put("{\"dataset\":\"dns_logs\",\"destination_conf\":\"https://a.example\"}",
                "dataset: dns_logs (expected: one of http_requests, websocket_analytics)");
        refused.put("{\"dataset\":\"http_requests\"}", "destination_conf: missing (expected: https://HOST/PATH or file:///DIRECTORY)");
        refused.put("{\"dataset\":\"http_requests\",\"destination_conf\":\"s3://bucket\"}",
                "destination_conf: s3://bucket (expected: https://HOST/PATH, file:///DIRECTORY or /DIRECTORY; an endpoint must use https)");
        refused.put("{\"dataset\":\"http_requests\",\"destination_conf\":\"/tmp/x\",\"output_options\":{\"field_names\":[\"Bytes\"]}}",
                "output_options.field_names: Bytes (expected: a field of http_requests: RayID,");
        refused.put("{\"dataset\":\"http_requests\",\"destination_conf\":\"/tmp/x\",\"filter\":\"{\\\"where\\\":{\\\"key\\\":\\\"EdgeResponseStatus\\\",\\\"operator\\\":\\\"startsWith\\\",\\\"value\\\":\\\"2\\\"}}\"}",
                "filter: where.operator: startsWith is not for int field EdgeResponseStatus");
        refused.put("{\"dataset\":\"http_requests\",\"destination_conf\":\"/tmp/x\",\"max_upload_records\":10}",
                "max_upload_records: 10 (expected: an integer from 1000 to 1000000, or 0 for the default)");
        refused.put("{\"dataset\":\"http_requests\",\"destination_conf\":\"/tmp/x\",\"colour\":1}", "colour: unknown field");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            JsonNode answer = call("POST", jobs, admin, bad.getKey());
            assertThat(lastStatus).as(bad.getKey()).isEqualTo(400);
            assertThat(answer.path("errors").get(0).path("code").asInt()).isEqualTo(LogpushApi.INVALID);
            assertThat(answer.path("errors").get(0).path("message").asText()).as(bad.getKey()).startsWith(bad.getValue());
        }
        JsonNode datasetChange = call("PUT", jobs + "/" + id, admin, "{\"dataset\":\"websocket_analytics\"}");
        assertThat(datasetChange.path("errors").get(0).path("message").asText())
                .isEqualTo("dataset: \"websocket_analytics\" (expected: http_requests; a job's dataset does not change)");
        assertThat(store.lastChange()).as("nothing written").isEqualTo(before);

        assertThat(call("DELETE", jobs + "/" + id, admin, null).path("result").path("id").asLong()).isEqualTo(id);
        assertError(call("GET", jobs + "/" + id, admin, null), 404, LogpushApi.NOT_FOUND, "Job not found.");
        assertThat(call("GET", jobs, admin, null).path("result").size()).isZero();
    }

    private String issue(String name, Set<String> zones, Permission... permissions) {
        return api.credentials().issueToken(name, EnumSet.copyOf(List.of(permissions)), zones, "test");
    }

    @Test
    void theAuditLogShowsAReaderOnlyWhatItCouldReadThroughTheApi() throws Exception {
        call("PATCH", "/zones/" + zoneId + "/settings/websockets", admin, "{\"value\":\"off\"}");
        call("POST", "/zones/" + zoneId + "/dns_records", admin, "{\"type\":\"A\",\"name\":\"www\",\"content\":\"192.0.2.1\"}");
        call("POST", "/zones/" + zoneId + "/workers/routes", admin, "{\"pattern\":\"example.com/chat*\",\"script\":\"chat\"}");
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
        call("POST", "/zones/" + zoneId + "/custom_certificates", admin, JSON.createObjectNode()
                .put("certificate", pem.certificatePem()).put("private_key", pem.keyPem()).toString());
        String dnsOnly = api.credentials().issueToken("dns", EnumSet.of(Permission.DNS_WRITE), Set.of(), "test");
        String settings = api.credentials().issueToken("settings", EnumSet.of(Permission.ZONE_SETTINGS_READ, Permission.SSL_READ),
                Set.of(), "test");

        String routes = api.credentials().issueToken("routes", EnumSet.of(Permission.ZONE_READ, Permission.WORKERS_ROUTES_READ), Set.of(),
                "test");
        assertThat(auditTypes(admin)).contains("api_token", "certificate", "setting", "dns_record", "zone", "worker_route");
        assertThat(auditTypes(routes)).containsOnly("worker_route", "dns_record", "zone");
        assertThat(auditTypes(dnsOnly)).containsOnly("dns_record", "zone");
        assertThat(auditTypes(settings)).containsOnly("certificate", "setting", "dns_record", "zone");
        JsonNode page = call("GET", ACCOUNT + "/audit_logs?per_page=1", dnsOnly, null);
        assertThat(page.path("result_info").path("total_count").asInt()).as("counted as filtered").isEqualTo(2);
    }

    Set<String> auditTypes(String token) throws Exception {
        Set<String> types = new java.util.TreeSet<>();
        call("GET", ACCOUNT + "/audit_logs?per_page=100", token, null).path("result")
                .forEach(e -> types.add(e.path("resource").path("type").asText()));
        return types;
    }

    @Test
    void aZoneCannotTakeTheNamesOfAZoneNestedInIt() throws Exception {
        call("POST", "/zones", admin, "{\"name\":\"sub.example.com\"}");
        String parentOnly = api.credentials().issueToken("parent", EnumSet.allOf(Permission.class), Set.of(zoneId), "test");
        String records = "/zones/" + zoneId + "/dns_records";

        JsonNode refused = call("POST", records, parentOnly, "{\"type\":\"A\",\"name\":\"api.sub\",\"content\":\"192.0.2.6\"}");
        assertError(refused, 400, 1004, "DNS Validation Error");
        assertThat(refused.path("errors").get(0).path("error_chain").get(0).path("message").asText())
                .isEqualTo("Invalid record name: api.sub.example.com belongs to zone sub.example.com (expected: the record in that zone)");
        assertError(call("POST", records, parentOnly, "{\"type\":\"A\",\"name\":\"*.sub\",\"content\":\"192.0.2.6\"}"),
                400, 1004, "DNS Validation Error");
        String www = call("POST", records, parentOnly, "{\"type\":\"A\",\"name\":\"www\",\"content\":\"192.0.2.1\"}")
                .path("result").path("id").asText();
        assertError(call("PATCH", records + "/" + www, parentOnly, "{\"name\":\"www.sub.example.com\"}"), 400, 1004, "DNS Validation Error");

        Certificates.SelfSigned pem = Certificates.selfSigned("example.com", "api.sub.example.com");
        assertError(call("POST", "/zones/" + zoneId + "/custom_certificates", parentOnly, JSON.createObjectNode()
                        .put("certificate", pem.certificatePem()).put("private_key", pem.keyPem()).toString()),
                400, 1004, "certificate: api.sub.example.com belongs to zone sub.example.com"
                        + " (expected: names of example.com outside its nested zones)");

        assertThat(store.dnsRecords(zoneId)).extracting(StoredDnsRecord::name).containsExactly("www.example.com");
        assertThat(store.certificates(zoneId)).isEmpty();
    }

    @Test
    void dnsRecordsInCloudflaresShapeAndChecked() throws Exception {
        String records = "/zones/" + zoneId + "/dns_records";
        JsonNode created = call("POST", records, admin, "{\"type\":\"A\",\"name\":\"ws\",\"content\":\"192.0.2.10\",\"proxied\":true}");
        assertThat(created.path("success").asBoolean()).isTrue();
        JsonNode record = created.path("result");
        assertThat(record.path("name").asText()).isEqualTo("ws.example.com"); // relative names are in the zone
        assertThat(record.path("zone_id").asText()).isEqualTo(zoneId);
        assertThat(record.path("proxied").asBoolean()).isTrue();
        String id = record.path("id").asText();

        JsonNode patched = call("PATCH", records + "/" + id, admin, "{\"content\":\"192.0.2.11\"}");
        assertThat(patched.path("result").path("content").asText()).isEqualTo("192.0.2.11");
        assertThat(patched.path("result").path("type").asText()).isEqualTo("A");
        JsonNode put = call("PUT", records + "/" + id, admin, "{\"type\":\"CNAME\",\"name\":\"ws.example.com\",\"content\":\"origin.internal\",\"proxied\":true}");
        assertThat(put.path("result").path("type").asText()).isEqualTo("CNAME");
        assertThat(call("GET", records + "?type=CNAME", admin, null).path("result").size()).isEqualTo(1);

        long before = store.lastChange();
        JsonNode bad = call("POST", records, admin, "{\"type\":\"A\",\"name\":\"x\",\"content\":\"not-an-ip\"}");
        assertError(bad, 400, 1004, "DNS Validation Error");
        assertThat(bad.path("errors").get(0).path("error_chain").get(0).path("message").asText())
                .isEqualTo("Content for A record must be a valid IPv4 address.");
        assertError(call("POST", records, admin, "{\"type\":\"MX\",\"name\":\"x\",\"content\":\"mail.example.com\"}"), 400, 1004,
                "DNS Validation Error");
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_READ), Set.of(), "test");
        before = store.lastChange();
        assertError(call("DELETE", records + "/" + id, reader, null), 403, 10000, "Authentication error");
        assertThat(store.lastChange()).isEqualTo(before);
        assertThat(call("DELETE", records + "/" + id, admin, null).path("result").path("id").asText()).isEqualTo(id);
        assertError(call("GET", records + "/" + id, admin, null), 404, 81044, "Record does not exist.");
    }

    @Test
    void rulesetsArePhaseEntrypointsAndABadExpressionIsRefusedWithItsColumn() throws Exception {
        String entrypoint = "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint";
        assertError(call("GET", entrypoint, admin, null), 404, 10003,
                "could not find entrypoint ruleset in the http_request_firewall_custom phase");
        JsonNode put = call("PUT", entrypoint, admin, """
                {"rules": [{"description": "no admin socket", "expression": "http.request.uri.path eq \\"/admin\\"", "action": "block"}]}
                """);
        assertThat(put.path("success").asBoolean()).isTrue();
        JsonNode ruleset = put.path("result");
        assertThat(ruleset.path("phase").asText()).isEqualTo("http_request_firewall_custom");
        assertThat(ruleset.path("kind").asText()).isEqualTo("zone");
        assertThat(ruleset.path("version").asText()).isEqualTo("1");
        String rulesetId = ruleset.path("id").asText();
        String ruleId = ruleset.path("rules").get(0).path("id").asText();
        assertThat(ruleId).matches("[0-9a-f]{32}");

        long before = store.lastChange();
        JsonNode bad = call("POST", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules", admin,
                "{\"expression\": \"http.hots eq \\\"x\\\"\", \"action\": \"block\"}");
        assertThat(bad.path("success").asBoolean()).isFalse();
        assertThat(bad.path("errors").get(0).path("code").asInt()).isEqualTo(20021);
        assertThat(bad.path("errors").get(0).path("message").asText()).matches("(?s)rule [0-9a-f]{32}: column 1: unknown field http.hots.*");
        assertError(call("PUT", entrypoint, admin, "{\"rules\": [{\"expression\": \"true\", \"action\": \"route\"}]}"), 400, 20200,
                "rules[0].action: 'route' (expected in http_request_firewall_custom: block, log, skip, managed_challenge, js_challenge, challenge)");
        assertThat(store.lastChange()).isEqualTo(before);

        JsonNode added = call("POST", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules", admin,
                "{\"expression\": \"http.user_agent contains \\\"curl\\\"\", \"action\": \"log\"}");
        assertThat(added.path("result").path("rules").size()).isEqualTo(2);
        assertThat(added.path("result").path("version").asText()).isEqualTo("2");
        JsonNode edited = call("PATCH", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules/" + ruleId, admin, "{\"enabled\": false}");
        assertThat(edited.path("result").path("rules").get(0).path("enabled").asBoolean()).isFalse();
        JsonNode deleted = call("DELETE", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules/" + ruleId, admin, null);
        assertThat(deleted.path("result").path("rules").size()).isEqualTo(1);
        assertThat(call("GET", "/zones/" + zoneId + "/rulesets", admin, null).path("result").get(0).path("phase").asText())
                .isEqualTo("http_request_firewall_custom");

        JsonNode unknownManaged = call("PUT", "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_managed/entrypoint", admin,
                "{\"rules\": [{\"expression\": \"true\", \"action\": \"execute\", \"action_parameters\": {\"id\": \"efb7b8c949ac4650a09736fc376e9aee\"}}]}");
        assertThat(unknownManaged.path("errors").get(0).path("message").asText()).contains("not shipped with Pier");
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_SETTINGS_WRITE), Set.of(), "test");
        assertError(call("PUT", entrypoint, reader, "{\"rules\": []}"), 403, 10000, "Authentication error");

        // A mistyped body is an error and writes nothing: it used to answer 200 and remove every rule.
        long beforeTypos = store.lastChange();
        assertError(call("PUT", entrypoint, admin, "{\"rules\": \"x\"}"), 400, 20200,
                "rules: string (expected: an array of rules; [] removes every rule)");
        assertError(call("PUT", entrypoint, admin, "{\"rulez\": []}"), 400, 20200,
                "rulez: unknown key (expected: id, name, description, kind, phase, rules, version, last_updated, source)");
        assertError(call("PUT", entrypoint, admin, "{\"description\": \"only this\"}"), 400, 20200,
                "rules: missing (expected: an array of rules; [] removes every rule)");
        assertError(call("PUT", entrypoint, admin, "{\"rules\": [], \"name\": 7}"), 400, 20200, "name: expected a string");
        assertThat(store.lastChange()).isEqualTo(beforeTypos);
        assertThat(call("GET", entrypoint, admin, null).path("result").path("rules").size()).isEqualTo(1);
    }

    /** Issue 10, medium 3: ten saved rules matching "(a{1000}){N}" kept 460 MB and slowed every zone. */
    @Test
    void aRulesetThatCostsTooMuchIsRefusedWhenSavedAndNothingIsWritten() throws Exception {
        String waf = api.credentials().issueToken("waf", EnumSet.of(Permission.ZONE_WAF_WRITE), Set.of(zoneId), "test");
        String entrypoint = "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint";
        String heavy = "{\"expression\": \"http.request.uri.path matches \\\"(a{100}){99}\\\"\", \"action\": \"block\"}";
        String costs = "ruleset exceeds complexity constraints: its rules cost %d per character read (expected: at most 20000; "
                + "a regular expression or wildcard costs its program size plus one, any other comparison or function one)";
        long before = store.lastChange();
        assertError(call("PUT", entrypoint, waf, "{\"rules\": [" + String.join(",", java.util.Collections.nCopies(10, heavy)) + "]}"),
                400, 20021, costs.formatted(100_000));
        assertError(call("PUT", entrypoint, waf, "{\"rules\": [" + String.join(",", java.util.Collections.nCopies(1001,
                "{\"expression\": \"true\", \"action\": \"log\", \"enabled\": false}")) + "]}"),
                400, 20021, "ruleset exceeds complexity constraints: 1001 rules (expected: at most 1000)");
        assertThat(store.lastChange()).isEqualTo(before);
        assertError(call("GET", entrypoint, admin, null), 404, 10003,
                "could not find entrypoint ruleset in the http_request_firewall_custom phase");

        // Two fit (20,000 is the limit); a third, added or enabled one rule at a time, does not.
        JsonNode saved = call("PUT", entrypoint, waf, "{\"rules\": [" + heavy + "," + heavy + ","
                + heavy.substring(0, heavy.length() - 1) + ", \"enabled\": false, \"id\": \"off\"}]}");
        assertThat(saved.path("success").asBoolean()).isTrue();
        String rulesetId = saved.path("result").path("id").asText();
        before = store.lastChange();
        assertError(call("POST", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules", waf, heavy), 400, 20021,
                costs.formatted(30_000));
        assertError(call("PATCH", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules/off", waf, "{\"enabled\": true}"),
                400, 20021, costs.formatted(30_000));
        assertThat(store.lastChange()).isEqualTo(before);
        assertThat(call("GET", entrypoint, admin, null).path("result").path("rules").size()).isEqualTo(3);
        assertThat(call("GET", entrypoint, admin, null).path("result").path("version").asText()).isEqualTo("1");
    }

    @Test
    void listsArePagedTheWayCloudflaresClientLibrariesPageThem() throws Exception {
        for (int i = 0; i < 7; i++) {
            call("POST", "/zones/" + zoneId + "/dns_records", admin, "{\"type\":\"A\",\"name\":\"r" + i + ".example.com\",\"content\":\"192.0.2." + i + "\"}");
        }
        JsonNode first = call("GET", "/zones/" + zoneId + "/dns_records?per_page=5", admin, null);
        assertThat(first.path("result").size()).isEqualTo(5);
        assertThat(first.path("result_info").path("total_count").asInt()).isEqualTo(7);
        assertThat(first.path("result_info").path("total_pages").asInt()).isEqualTo(2);
        JsonNode second = call("GET", "/zones/" + zoneId + "/dns_records?per_page=5&page=2", admin, null);
        assertThat(second.path("result").size()).isEqualTo(2);
        assertThat(second.path("result_info").path("count").asInt()).isEqualTo(2);
        // a page past the end is empty: the client libraries ask for pages until one is
        assertThat(call("GET", "/zones/" + zoneId + "/dns_records?per_page=5&page=3", admin, null).path("result").size()).isZero();
        assertThat(call("GET", "/zones?page=2", admin, null).path("result").size()).isZero();
        assertThat(call("GET", "/zones/" + zoneId + "/dns_records", admin, null).path("result_info").path("per_page").asInt())
                .as("Cloudflare's default").isEqualTo(100);
        assertError(call("GET", "/zones/" + zoneId + "/dns_records?per_page=2", admin, null), 400, 1004,
                "Invalid per_page: 2 (expected: a number from 5 to 5000000)");

        // the audit log, newest first, two at a time: 7 records, the zone, the admin token
        JsonNode audit = call("GET", ACCOUNT + "/audit_logs?per_page=2&page=4", admin, null);
        assertThat(audit.path("result_info").path("total_count").asInt()).isEqualTo(9);
        assertThat(audit.path("result").get(1).path("resource").path("type").asText()).isEqualTo("zone");
        assertThat(call("GET", ACCOUNT + "/audit_logs?per_page=2&page=5", admin, null).path("result").get(0)
                .path("resource").path("type").asText()).isEqualTo("api_token");
        assertThat(call("GET", ACCOUNT + "/audit_logs?per_page=2&page=6", admin, null).path("result").size()).isZero();
        // a token scoped to another zone sees none of this zone's changes
        String other = call("POST", "/zones", admin, "{\"name\":\"other.example\"}").path("result").path("id").asText();
        String scoped = api.credentials().issueToken("scoped", EnumSet.allOf(Permission.class), Set.of(other), "test");
        JsonNode theirs = call("GET", ACCOUNT + "/audit_logs", scoped, null);
        assertThat(theirs.path("result").findValuesAsText("zone_id")).containsOnly(other);
        assertError(call("GET", ACCOUNT + "/audit_logs?zone_id=" + zoneId, scoped, null), 403, 10000, "Authentication error");
        // a deleted zone's history stays readable by its id
        call("DELETE", "/zones/" + zoneId, admin, null);
        JsonNode history = call("GET", ACCOUNT + "/audit_logs?zone_id=" + zoneId, admin, null);
        assertThat(history.path("result").get(0).path("action").path("type").asText()).isEqualTo("delete");
        assertThat(history.path("result_info").path("total_count").asInt()).isEqualTo(9);
    }

    @Test
    void theOriginCaIsASettingOfPemCertificates() throws Exception {
        String setting = "/zones/" + zoneId + "/settings/origin_ca";
        assertThat(call("GET", setting, admin, null).path("result").path("value").asText()).isEmpty();
        Certificates.SelfSigned ca = Certificates.selfSigned("ca.example");
        JsonNode set = call("PATCH", setting, admin, JSON.createObjectNode().put("value", ca.certificatePem()).toString());
        assertThat(set.path("result").path("value").asText()).isEqualTo(ca.certificatePem());
        assertError(call("PATCH", setting, admin, "{\"value\": \"-----BEGIN CERTIFICATE-----\\nnope\"}"), 400, 1007,
                "Invalid value for zone setting origin_ca (expected: the PEM certificates of the CA that origins chain to in strict mode,"
                        + " or \"\" for the system's trust store)");
        assertThat(call("PATCH", setting, admin, "{\"value\": \"\"}").path("result").path("value").asText()).isEmpty();
    }

    @Test
    void certificatesAreUploadedCheckedListedAndDeletedAndTheirKeysNeverLeave() throws Exception {
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com", "*.example.com");
        String path = "/zones/" + zoneId + "/custom_certificates";
        ObjectNode upload = JSON.createObjectNode().put("certificate", pem.certificatePem()).put("private_key", pem.keyPem())
                .put("bundle_method", "ubiquitous");
        JsonNode created = call("POST", path, admin, upload.toString());
        assertThat(created.path("success").asBoolean()).as(created.toString()).isTrue();
        JsonNode cert = created.path("result");
        assertThat(cert.path("id").asText()).matches("[0-9a-f]{32}");
        assertThat(cert.path("zone_id").asText()).isEqualTo(zoneId);
        assertThat(cert.path("hosts")).extracting(JsonNode::asText).containsExactly("example.com", "*.example.com");
        assertThat(cert.path("issuer").asText()).isEqualTo("CN=example.com");
        assertThat(cert.path("signature").asText()).isEqualTo("SHA256WithECDSA");
        assertThat(cert.path("status").asText()).isEqualTo("active");
        assertThat(cert.path("expires_on").asText()).isEqualTo(pem.certificate().getNotAfter().toInstant().toString());
        String id = cert.path("id").asText();

        JsonNode list = call("GET", path, admin, null);
        assertThat(list.path("result").findValuesAsText("id")).containsExactly(id);
        assertThat(list.path("result_info").path("total_count").asInt()).isEqualTo(1);
        assertThat(call("GET", path + "/" + id, admin, null).path("result").path("hosts").size()).isEqualTo(2);
        assertThat(list.toString() + created).doesNotContain("PRIVATE KEY");

        // every bad upload is refused with what is wrong, and nothing is written
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.SSL_READ), Set.of(), "test");
        long before = store.lastChange();
        Certificates.SelfSigned other = Certificates.selfSigned("example.com");
        assertError(call("POST", path, admin, upload.deepCopy().put("private_key", other.keyPem()).toString()), 400, 2200,
                "The certificate and private key pair you uploaded is invalid. (private_key: the private key does not match the certificate)");
        assertError(call("POST", path, admin, upload.deepCopy().put("certificate", "-----BEGIN CERTIFICATE-----\nnope\n").toString()),
                400, 1002, "Invalid certificate. (certificate: not a PEM certificate chain (No certificate data found))");
        assertError(call("POST", path, admin, upload.deepCopy().put("private_key", pem.certificatePem()).toString()), 400, 2106,
                "The private key you uploaded is invalid. Please check your input and try again. (private_key: not an unencrypted private key"
                        + " (expected: BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY))");
        assertError(call("POST", path, admin, upload.deepCopy().without("private_key").toString()), 400, 1004,
                "private_key: missing (expected: PEM text)");
        Certificates.SelfSigned foreign = Certificates.selfSigned("*.example.org");
        assertError(call("POST", path, admin, JSON.createObjectNode().put("certificate", foreign.certificatePem())
                .put("private_key", foreign.keyPem()).toString()), 400, 1004,
                "certificate: *.example.org is not a name of zone example.com (expected: example.com or names under it)");
        assertThat(call("GET", path, reader, null).path("success").asBoolean()).isTrue();
        assertError(call("POST", path, reader, upload.toString()), 403, 10000, "Authentication error");
        assertThat(store.lastChange()).isEqualTo(before);

        // PATCH: a renewal in place keeps the id; its checks are the upload's
        Certificates.SelfSigned renewed = Certificates.selfSigned("example.com");
        JsonNode patched = call("PATCH", path + "/" + id, admin, JSON.createObjectNode().put("certificate", renewed.certificatePem())
                .put("private_key", renewed.keyPem()).toString()).path("result");
        assertThat(patched.path("id").asText()).isEqualTo(id);
        assertThat(patched.path("hosts")).extracting(JsonNode::asText).containsExactly("example.com");
        assertThat(patched.path("uploaded_on").asText()).isEqualTo(cert.path("uploaded_on").asText());
        assertThat(patched.path("modified_on").asText()).isNotEqualTo(cert.path("modified_on").asText());
        assertThat(store.certificate(zoneId, id).orElseThrow().privateKeyPem()).isEqualTo(renewed.keyPem());
        assertError(call("PATCH", path + "/" + id, admin, upload.deepCopy().put("private_key", renewed.keyPem()).toString()), 400, 2200,
                "The certificate and private key pair you uploaded is invalid. (private_key: the private key does not match the certificate)");
        assertError(call("PATCH", path + "/0123456789abcdef0123456789abcdef", admin, upload.toString()), 404, 1003,
                "Certificate 0123456789abcdef0123456789abcdef does not exist");

        assertThat(call("DELETE", path + "/" + id, admin, null).path("result").path("id").asText()).isEqualTo(id);
        assertError(call("GET", path + "/" + id, admin, null), 404, 1003, "Certificate " + id + " does not exist");
        assertThat(call("GET", ACCOUNT + "/audit_logs?zone_id=" + zoneId, admin, null).toString()).contains("certificate")
                .doesNotContain("PRIVATE KEY");
    }

    /**
     * Issue 10 (low): a private key with broken base64 answered 500 and logged a stack trace. With
     * an SSL write token it is Cloudflare's 400 with code 2106, on upload and on renewal, nothing
     * is written and nothing is logged.
     */
    @Test
    void aPrivateKeyWithBrokenBase64IsCloudflares2106AndNothingIsWrittenOrLogged() throws Exception {
        String ssl = api.credentials().issueToken("ssl", EnumSet.of(Permission.SSL_WRITE, Permission.SSL_READ), Set.of(zoneId), "test");
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
        String path = "/zones/" + zoneId + "/custom_certificates";
        String key = pem.keyPem();
        String body = key.substring(key.indexOf('\n') + 1, key.indexOf("-----END"));
        String invalid = "The private key you uploaded is invalid. Please check your input and try again. ";
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put(key.replace(body, body.replace('M', '!')), "(private_key: not a PEM private key (the base64 between its BEGIN and END"
                + " lines cannot be decoded))");
        broken.put(key.replace(body, body.substring(0, body.length() / 2).replace("\n", "") + "\n"), "(private_key: not a PEM private key"
                + " (the base64 between its BEGIN and END lines cannot be decoded))");
        broken.put("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "(private_key: not a PEM private key (its content is"
                + " not a key structure))");
        broken.put("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n", "(private_key: not a PEM private key (its content is not"
                + " a key structure))");
        broken.put("-----BEGIN PRIVATE KEY-----\n" + body, "(private_key: not a PEM private key (-----END PRIVATE KEY----- not found))");
        broken.put("not pem at all", "(private_key: no key in it (expected: a PEM private key, unencrypted))");

        ch.qos.logback.classic.Logger apiLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ControlApi.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        apiLog.addAppender(logged);
        try {
            long before = store.lastChange();
            for (Map.Entry<String, String> e : broken.entrySet()) {
                String upload = JSON.createObjectNode().put("certificate", pem.certificatePem()).put("private_key", e.getKey()).toString();
                JsonNode refused = call("POST", path, ssl, upload);
                assertThat(lastStatus).as(e.getKey()).isEqualTo(400);
                assertError(refused, 400, 2106, invalid + e.getValue());
                assertThat(refused.toString()).doesNotContain(body.substring(0, 20));
            }
            // a renewal in place takes the same checks
            String id = call("POST", path, ssl, JSON.createObjectNode().put("certificate", pem.certificatePem())
                    .put("private_key", key).toString()).path("result").path("id").asText();
            long afterUpload = store.lastChange();
            assertThat(afterUpload).isGreaterThan(before);
            Certificates.SelfSigned renewed = Certificates.selfSigned("example.com");
            String renewedBody = renewed.keyPem().substring(renewed.keyPem().indexOf('\n') + 1, renewed.keyPem().indexOf("-----END"));
            assertError(call("PATCH", path + "/" + id, ssl, JSON.createObjectNode().put("certificate", renewed.certificatePem())
                    .put("private_key", renewed.keyPem().replace(renewedBody, renewedBody.replace('A', '*'))).toString()), 400, 2106,
                    invalid + "(private_key: not a PEM private key (the base64 between its BEGIN and END lines cannot be decoded))");
            assertThat(lastStatus).isEqualTo(400);
            assertThat(store.lastChange()).isEqualTo(afterUpload);
            assertThat(store.certificate(zoneId, id).orElseThrow().privateKeyPem()).isEqualTo(key);
            assertThat(store.certificates(zoneId)).hasSize(1);
            assertThat(logged.list).isEmpty();
        } finally {
            apiLog.detachAppender(logged);
        }
    }

    /** A certificate with broken base64 is Cloudflare's 1002 "Invalid certificate.", never a 500. */
    @Test
    void aCertificateWithBrokenBase64IsCloudflares1002() throws Exception {
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com");
        String certificate = pem.certificatePem();
        String body = certificate.substring(certificate.indexOf('\n') + 1, certificate.indexOf("-----END"));
        long before = store.lastChange();
        JsonNode refused = call("POST", "/zones/" + zoneId + "/custom_certificates", admin, JSON.createObjectNode()
                .put("certificate", certificate.replace(body, body.replace('M', '!'))).put("private_key", pem.keyPem()).toString());
        assertThat(lastStatus).isEqualTo(400);
        assertThat(refused.path("errors").get(0).path("code").asInt()).isEqualTo(1002);
        assertThat(refused.path("errors").get(0).path("message").asText()).startsWith("Invalid certificate. (certificate: not a PEM"
                + " certificate chain");
        assertThat(store.lastChange()).isEqualTo(before);
    }

    @Test
    void everyChangeIsInTheAuditLogWithWhoAndBeforeAndAfter() throws Exception {
        call("PATCH", "/zones/" + zoneId + "/settings/websockets", admin, "{\"value\":\"off\"}");
        JsonNode logs = call("GET", ACCOUNT + "/audit_logs?zone_id=" + zoneId, admin, null);
        assertThat(logs.path("success").asBoolean()).isTrue();
        JsonNode last = logs.path("result").get(0);
        assertThat(last.path("action").path("type").asText()).isEqualTo("update");
        assertThat(last.path("actor").path("id").asText()).contains("(admin)");
        assertThat(last.path("resource").path("type").asText()).isEqualTo("setting");
        assertThat(last.path("resource").path("id").asText()).isEqualTo("websockets");
        assertThat(last.path("oldValue").isNull()).isTrue();
        assertThat(last.path("newValue").path("jsonValue").asText()).isEqualTo("\"off\"");
        assertThat(logs.path("result").get(1).path("resource").path("type").asText()).isEqualTo("zone");
    }

    @Test
    void ipListsAreCreatedFilledAndUsableInRules() throws Exception {
        JsonNode list = call("POST", ACCOUNT + "/rules/lists", admin, "{\"name\":\"office\",\"kind\":\"ip\",\"description\":\"HQ\"}");
        String id = list.path("result").path("id").asText();
        assertThat(list.path("result").path("kind").asText()).isEqualTo("ip");
        JsonNode added = call("POST", ACCOUNT + "/rules/lists/" + id + "/items", admin,
                "[{\"ip\":\"192.0.2.0/24\",\"comment\":\"HQ\"},{\"ip\":\"2001:db8::1\"}]");
        String op = added.path("result").path("operation_id").asText();
        assertThat(call("GET", ACCOUNT + "/rules/lists/bulk_operations/" + op, admin, null).path("result").path("status").asText())
                .isEqualTo("completed");
        assertThat(call("GET", ACCOUNT + "/rules/lists/" + id + "/items", admin, null).path("result").findValuesAsText("ip"))
                .containsExactly("192.0.2.0/24", "2001:db8::1");
        assertThat(store.listsWithItems()).containsEntry("office", List.of("192.0.2.0/24", "2001:db8::1"));

        long before = store.lastChange();
        assertError(call("POST", ACCOUNT + "/rules/lists/" + id + "/items", admin, "[{\"ip\":\"192.0.2.0/24\"},{\"ip\":\"300.1.1.1\"}]"),
                400, 10004, "Invalid list item: '300.1.1.1' (expected: an IP address or a CIDR range)");
        assertError(call("POST", ACCOUNT + "/rules/lists", admin, "{\"name\":\"Bad Name\",\"kind\":\"ip\"}"), 400, 10001,
                "Invalid list name: 'Bad Name' (expected: lower case letters, digits and _, at most 50)");
        assertThat(store.lastChange()).isEqualTo(before);

        call("PUT", ACCOUNT + "/rules/lists/" + id + "/items", admin, "[{\"ip\":\"198.51.100.7\"}]");
        assertThat(store.listsWithItems()).containsEntry("office", List.of("198.51.100.7"));
        JsonNode rule = call("PUT", "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint", admin,
                "{\"rules\": [{\"expression\": \"not ip.src in $office\", \"action\": \"block\"}]}");
        assertThat(rule.path("success").asBoolean()).isTrue();
        JsonNode unknown = call("PUT", "/zones/" + zoneId + "/rulesets/phases/http_ratelimit/entrypoint", admin,
                "{\"rules\": [{\"expression\": \"ip.src in $nope\", \"action\": \"block\", \"ratelimit\": {\"characteristics\": [\"ip.src\"], \"period\": 10, \"requests_per_period\": 5}}]}");
        // built from the WAF's structured error: the rule's id and the problem, not the WAF's log line
        assertThat(unknown.path("errors").get(0).path("message").asText())
                .matches("rule [0-9a-f]{32}: \\$nope is not a list \\(expected one of: office\\)");
        assertError(call("DELETE", ACCOUNT + "/rules/lists/" + id, admin, null), 400, 10005,
                "List office is used by 1 rule(s) (expected: a list no rule names; remove them first)");
        call("PUT", "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint", admin, "{\"rules\": []}");
        assertThat(call("DELETE", ACCOUNT + "/rules/lists/" + id, admin, null).path("success").asBoolean()).isTrue();
        assertThat(store.lists()).isEmpty();
    }

    /**
     * Lists are the account's: a token scoped to a zone reaches none of them, whatever it holds,
     * and a list's items come back in pages of at most 500, walked with Cloudflare's cursors.
     */
    @Test
    void listsAreAccountResourcesAndTheirItemsComeInCursorPages() throws Exception {
        String id = call("POST", ACCOUNT + "/rules/lists", admin, "{\"name\":\"many\",\"kind\":\"ip\"}").path("result").path("id").asText();
        StringBuilder items = new StringBuilder("[");
        for (int i = 0; i < 1234; i++) {
            items.append(i == 0 ? "" : ",").append("{\"ip\":\"10.0.").append(i / 256).append('.').append(i % 256).append("\"}");
        }
        call("POST", ACCOUNT + "/rules/lists/" + id + "/items", admin, items.append(']').toString());

        String zoneScoped = api.credentials().issueToken("zone", EnumSet.allOf(Permission.class), Set.of(zoneId), "test");
        for (String path : List.of(ACCOUNT + "/rules/lists", ACCOUNT + "/rules/lists/" + id, ACCOUNT + "/rules/lists/" + id + "/items")) {
            assertError(call("GET", path, zoneScoped, null), 403, 10000, "Authentication error");
        }
        String zoneReader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_READ), Set.of(), "test");
        assertError(call("GET", ACCOUNT + "/rules/lists", zoneReader, null), 403, 10000, "Authentication error");
        assertThat(call("GET", ACCOUNT + "/audit_logs", zoneReader, null).path("result").findValuesAsText("type"))
                .as("list changes are hidden from a token that may not read lists").doesNotContain("list");
        String listReader = api.credentials().issueToken("lists", EnumSet.of(Permission.LISTS_READ), Set.of(), "test");

        java.util.Set<String> seen = new java.util.HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = call("GET", ACCOUNT + "/rules/lists/" + id + "/items" + (cursor == null ? "" : "?cursor=" + cursor), listReader, null);
            assertThat(lastStatus).isEqualTo(200);
            assertThat(page.path("result").size()).isLessThanOrEqualTo(500);
            page.path("result").findValuesAsText("ip").forEach(ip -> assertThat(seen.add(ip)).as(ip + " comes once").isTrue());
            cursor = page.path("result_info").path("cursors").path("after").asText(null);
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(1234).contains("10.0.0.0", "10.0.4.209");
        assertThat(pages).isEqualTo(3);
        JsonNode small = call("GET", ACCOUNT + "/rules/lists/" + id + "/items?per_page=5", listReader, null);
        assertThat(small.path("result").findValuesAsText("ip")).containsExactly("10.0.0.0", "10.0.0.1", "10.0.0.10", "10.0.0.100", "10.0.0.101");
        assertError(call("GET", ACCOUNT + "/rules/lists/" + id + "/items?per_page=501", listReader, null), 400, 1004,
                "Invalid per_page: 501 (expected: a number from 1 to 500)");
        assertError(call("GET", ACCOUNT + "/rules/lists/" + id + "/items?cursor=bm90IGFuIGlw", listReader, null), 400, 10007,
                "Invalid cursor: bm90IGFuIGlw (expected: result_info.cursors.after of a previous page)");
        assertError(call("DELETE", ACCOUNT + "/rules/lists/" + id, listReader, null), 403, 10000, "Authentication error");
    }

    /**
     * Issue 10, high 1: a Zone Read token's validate-expr with a nested counted repetition filled
     * a 6 GB heap; ruleset writes ran the same compile. Both are refused before compiling, with
     * Cloudflare's 20021, and nothing is written.
     */
    @Test
    void aRegexThatWouldExpandBeyondTheBudgetIsRefusedBeforeItIsCompiled() throws Exception {
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_READ), Set.of(zoneId), "test");
        String waf = api.credentials().issueToken("waf", EnumSet.of(Permission.ZONE_WAF_WRITE), Set.of(zoneId), "test");
        String expression = "http.request.uri.path matches \\\"((a{1000}){1000}){1000}\\\"";
        long before = store.lastChange();
        JsonNode validated = call("POST", "/zones/" + zoneId + "/filters/validate-expr", reader, "{\"expression\":\"" + expression + "\"}");
        assertThat(lastStatus).isEqualTo(400);
        assertThat(validated.path("errors").get(0).path("code").asInt()).isEqualTo(20021);
        assertThat(validated.path("errors").get(0).path("message").asText()).contains("too complex");
        JsonNode saved = call("PUT", "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint", waf,
                "{\"rules\": [{\"expression\": \"" + expression + "\", \"action\": \"block\"}]}");
        assertThat(lastStatus).isEqualTo(400);
        assertThat(saved.path("errors").get(0).path("code").asInt()).isEqualTo(20021);
        assertThat(saved.path("errors").get(0).path("message").asText()).contains("too complex");
        assertThat(store.lastChange()).isEqualTo(before);
    }

    /**
     * Issue 10, medium 4: 500 distinct 3,900-character wildcards sent to validate-expr by a
     * zone-scoped Zone Read token kept 90 MB for good; the compiled patterns kept are bounded.
     */
    @Test
    void patternsSentToValidateExprAreKeptWithinABound() throws Exception {
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_READ), Set.of(zoneId), "test");
        String path = "/zones/" + zoneId + "/filters/validate-expr";
        for (int i = 0; i < 500; i++) {
            String wildcard = "/" + i + "*" + "x".repeat(3_900);
            assertThat(call("POST", path, reader, "{\"expression\":\"http.request.uri.path wildcard \\\"" + wildcard + "\\\"\"}")
                    .path("success").asBoolean()).as("wildcard " + i).isTrue();
        }
        assertThat(dev.pier.rules.Expression.cachedPatternCharacters()).isLessThanOrEqualTo(256 * 1024);
    }

    /** validate-expr answers as deploying would: an expression naming a list that does not exist is refused. */
    @Test
    void validatingAnExpressionChecksItsListsAsDeployingDoes() throws Exception {
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_READ), Set.of(zoneId), "test");
        String path = "/zones/" + zoneId + "/filters/validate-expr";
        assertError(call("POST", path, reader, "{\"expression\":\"ip.src in $nosuch\"}"), 400, 20021,
                "filter parsing error: $nosuch is not a list");
        JsonNode deploy = call("PUT", "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint", admin,
                "{\"rules\": [{\"expression\": \"ip.src in $nosuch\", \"action\": \"block\"}]}");
        assertThat(lastStatus).isEqualTo(400);
        assertThat(deploy.path("errors").get(0).path("message").asText()).contains("$nosuch is not a list");
        call("POST", ACCOUNT + "/rules/lists", admin, "{\"name\":\"nosuch\",\"kind\":\"ip\"}");
        assertThat(call("POST", path, reader, "{\"expression\":\"ip.src in $nosuch\"}").path("success").asBoolean()).isTrue();
    }

    /** The OpenAPI document is published by the API, and every operation it lists is really served. */
    @Test
    void theOpenApiDocumentListsWhatIsServed() throws Exception {
        JsonNode doc = call("GET", "/openapi.json", (String) null, null);
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        int operations = 0;
        List<String> documented = new java.util.ArrayList<>();
        for (var path = doc.path("paths").fields(); path.hasNext(); ) {
            var entry = path.next();
            entry.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + entry.getKey()));
            String concrete = entry.getKey().replace("{zone_id}", zoneId).replace("{account_id}", ControlApi.ACCOUNT_ID)
                    .replace("{setting_id}", "websockets").replace("{ruleset_phase}", "http_request_firewall_custom")
                    .replaceAll("\\{[a-z_]+_id\\}", "0123456789abcdef0123456789abcdef");
            for (var method = entry.getValue().fieldNames(); method.hasNext(); ) {
                String m = method.next().toUpperCase(java.util.Locale.ROOT);
                JsonNode answer = call(m, concrete, admin, m.equals("GET") || m.equals("DELETE") ? null : "{}");
                int code = answer.path("errors").path(0).path("code").asInt();
                assertThat(code).as(m + " " + entry.getKey()).isNotIn(7000, 10405);
                operations++;
            }
        }
        assertThat(operations).isGreaterThan(30);
        assertThat(documented).as("the document names every route served, and only those")
                .containsExactlyInAnyOrderElementsOf(api.routes().stream().map(Route::toString).toList());
    }

    /** Rules added at the same time to one ruleset are all kept: each write checks nothing changed since its read. */
    @Test
    void concurrentRuleAddsAreAllKept() throws Exception {
        String entrypoint = "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint";
        String rulesetId = call("PUT", entrypoint, admin, "{\"rules\": []}").path("result").path("id").asText();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<JsonNode>> adds = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String body = "{\"expression\": \"http.request.uri.path eq \\\"/r" + i + "\\\"\", \"action\": \"block\"}";
                adds.add(pool.submit(() -> call("POST", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules", admin, body)));
            }
            for (var add : adds) {
                assertThat(add.get().path("success").asBoolean()).as(add.get().toString()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(call("GET", entrypoint, admin, null).path("result").path("rules").size()).isEqualTo(4);
    }

    // ---------------------------------------------------------------- issue 10: input checked before the store

    /** What each refusal below must leave: nothing written, and a client error rather than "store unavailable". */
    void assertRefused(JsonNode response, int code, String message, long writtenBefore) {
        assertThat(lastStatus).as(response.toString()).isEqualTo(400);
        assertThat(response.path("errors").get(0).path("code").asInt()).as(response.toString()).isEqualTo(code);
        if (message != null) {
            JsonNode error = response.path("errors").get(0);
            String text = error.has("error_chain") ? error.path("error_chain").get(0).path("message").asText() : error.path("message").asText();
            assertThat(text).isEqualTo(message);
        }
        assertThat(store.lastChange()).as("a refused write writes nothing").isEqualTo(writtenBefore);
    }

    /** The chained code under Cloudflare's 1004 "DNS Validation Error". */
    static int chained(JsonNode response) {
        return response.path("errors").get(0).path("error_chain").get(0).path("code").asInt();
    }

    @Test
    void overLongTextsAndControlCharactersAreTheClientsErrorOnEveryWriteRoute() throws Exception {
        String records = "/zones/" + zoneId + "/dns_records";
        String dns = api.credentials().issueToken("dns", EnumSet.of(Permission.DNS_WRITE), Set.of(zoneId), "test");
        String waf = api.credentials().issueToken("waf", EnumSet.of(Permission.ZONE_WAF_WRITE), Set.of(zoneId), "test");
        String account = api.credentials().issueToken("lists", EnumSet.of(Permission.LISTS_WRITE), Set.of(), "test");
        long before = store.lastChange();

        // DNS records: comment (Cloudflare's 9313), tags, names and contents of more than 253 characters
        JsonNode longComment = call("POST", records, dns, JSON.createObjectNode().put("type", "A").put("name", "www")
                .put("content", "192.0.2.1").put("comment", "c".repeat(501)).toString());
        assertRefused(longComment, 1004, "DNS record comment exceeds the maximum length of 500 characters.", before);
        assertThat(chained(longComment)).isEqualTo(9313);
        JsonNode nulComment = call("POST", records, dns, "{\"type\":\"A\",\"name\":\"www\",\"content\":\"192.0.2.1\",\"comment\":\"a\\u0000b\"}");
        assertRefused(nulComment, 1004, "DNS record comment: character 2 is U+0000 (expected: text without control characters)", before);
        assertThat(chained(nulComment)).isEqualTo(9313);
        assertRefused(call("POST", records, dns, "{\"type\":\"A\",\"name\":\"www\",\"content\":\"192.0.2.1\",\"comment\":\"two\\nlines\"}"),
                1004, "DNS record comment: character 4 is U+000A (expected: text without control characters)", before);
        assertRefused(call("POST", records, dns, "{\"type\":\"A\",\"name\":\"www\",\"content\":\"192.0.2.1\",\"tags\":[\"no colon\"]}"),
                1004, null, before);
        assertRefused(call("POST", records, dns, "{\"type\":\"A\",\"name\":\"www\",\"content\":\"192.0.2.1\",\"tags\":[\"team:a\\u0000\"]}"),
                1004, null, before);
        String longName = ("a".repeat(60) + ".").repeat(4) + "www"; // 247 characters, 259 with the zone's name
        JsonNode name = call("POST", records, dns, "{\"type\":\"A\",\"name\":\"" + longName + "\",\"content\":\"192.0.2.1\"}");
        assertRefused(name, 1004, "Invalid record name: 259 characters (expected: at most 253)", before);
        assertThat(chained(name)).isEqualTo(9007);
        assertRefused(call("POST", records, dns, "{\"type\":\"CNAME\",\"name\":\"www\",\"content\":\"" + longName + ".example.net\"}"),
                1004, "Content for CNAME record must be a valid host name.", before);
        JsonNode fine = call("POST", records, dns, JSON.createObjectNode().put("type", "A").put("name", "www").put("content", "192.0.2.1")
                .put("comment", "é".repeat(500)).set("tags", JSON.createArrayNode().add("team:edge")).toString());
        assertThat(fine.path("success").asBoolean()).as(fine.toString()).isTrue();
        before = store.lastChange();

        // rulesets: names, descriptions and refs; NUL nowhere, not even in an expression
        String entrypoint = "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint";
        String rule = "{\"expression\": \"true\", \"action\": \"block\", ";
        assertRefused(call("PUT", entrypoint, waf, "{\"rules\": [], \"description\": \"" + "d".repeat(501) + "\"}"), 20200,
                "description: 501 characters (expected: at most 500)", before);
        assertRefused(call("PUT", entrypoint, waf, "{\"rules\": [], \"name\": \"" + "n".repeat(256) + "\"}"), 20200,
                "name: 256 characters (expected: at most 255)", before);
        assertRefused(call("PUT", entrypoint, waf, "{\"rules\": [" + rule + "\"description\": \"" + "d".repeat(501) + "\"}]}"), 20200,
                "rules[0].description: 501 characters (expected: at most 500)", before);
        assertRefused(call("PUT", entrypoint, waf, "{\"rules\": [" + rule + "\"description\": \"x\\u0000y\"}]}"), 20200,
                "rules[0].description: holds NUL (expected: text without NUL characters)", before);
        assertRefused(call("PUT", entrypoint, waf, "{\"rules\": [" + rule + "\"description\": \"x\\u001by\"}]}"), 20200,
                "rules[0].description: character 2 is U+001B (expected: text without control characters)", before);
        assertRefused(call("PUT", entrypoint, waf, "{\"rules\": [" + rule + "\"ref\": \"" + "r".repeat(65) + "\"}]}"), 20200,
                "rules[0].ref: 65 characters (expected: at most 64)", before);
        assertRefused(call("PUT", entrypoint, waf, "{\"rules\": [{\"expression\": \"http.host eq \\\"a\\u0000\\\"\", \"action\": \"block\"}]}"),
                20200, "rules[0].expression: holds NUL (expected: text without NUL characters)", before);
        // an expression may span lines, as Cloudflare's do
        assertThat(call("PUT", entrypoint, waf, "{\"rules\": [{\"expression\": \"http.host eq \\\"a\\\"\\nor true\", \"action\": \"block\"}]}")
                .path("success").asBoolean()).isTrue();
        before = store.lastChange();

        // lists, an account resource: description and item comments (Cloudflare's 500)
        assertRefused(call("POST", ACCOUNT + "/rules/lists", account,
                "{\"name\":\"office\",\"kind\":\"ip\",\"description\":\"" + "d".repeat(501) + "\"}"), 10001,
                "Invalid list description: 501 characters (expected: at most 500)", before);
        assertRefused(call("POST", ACCOUNT + "/rules/lists", account, "{\"name\":\"office\",\"kind\":\"ip\",\"description\":\"a\\u0000\"}"),
                10001, "Invalid list description: character 2 is U+0000 (expected: text without control characters)", before);
        String list = call("POST", ACCOUNT + "/rules/lists", account, "{\"name\":\"office\",\"kind\":\"ip\"}").path("result").path("id").asText();
        before = store.lastChange();
        assertRefused(call("POST", ACCOUNT + "/rules/lists/" + list + "/items", account,
                "[{\"ip\":\"192.0.2.1\",\"comment\":\"" + "c".repeat(501) + "\"}]"), 10004,
                "Invalid list item comment: 501 characters (expected: at most 500)", before);
        assertRefused(call("PUT", ACCOUNT + "/rules/lists/" + list + "/items", account,
                "[{\"ip\":\"192.0.2.1\",\"comment\":\"a\\u0000\"}]"), 10004,
                "Invalid list item comment: character 2 is U+0000 (expected: text without control characters)", before);
        assertThat(store.listItems(list, "", 1)).isEmpty();

        // zones and token names
        assertRefused(call("POST", "/zones", admin, "{\"name\":\"" + longName + ".example.org\"}"), 1097, null, before);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.credentials().issueToken("t".repeat(121),
                EnumSet.of(Permission.ZONE_READ), Set.of(), "test")).hasMessage("token name: 121 characters (expected: at most 120)");
        assertThat(store.lastChange()).isEqualTo(before);
    }

    @Test
    void aAndAaaaContentsAreStrictAddressLiterals() throws Exception {
        String records = "/zones/" + zoneId + "/dns_records";
        String dns = api.credentials().issueToken("dns", EnumSet.of(Permission.DNS_WRITE), Set.of(zoneId), "test");
        long before = store.lastChange();
        for (String bad : List.of(":::", "1:2:3", "1::2::3", "fe80::1%eth0", "::ffff:1.2.3", "1:2:3:4:5:6:7:8:9", "12345::1", "::g",
                "localhost", "2001:db8::1/64")) {
            JsonNode refused = call("POST", records, dns, "{\"type\":\"AAAA\",\"name\":\"v6\",\"content\":\"" + bad + "\"}");
            assertRefused(refused, 1004, "Content for AAAA record must be a valid IPv6 address.", before);
            assertThat(chained(refused)).as(bad).isEqualTo(9006);
        }
        for (String bad : List.of("010.0.0.1", "1.2.3", "256.1.1.1", "1.2.3.4.5", "0x7f.0.0.1", " 192.0.2.1", "::1")) {
            JsonNode refused = call("POST", records, dns, "{\"type\":\"A\",\"name\":\"v4\",\"content\":\"" + bad + "\"}");
            assertRefused(refused, 1004, "Content for A record must be a valid IPv4 address.", before);
            assertThat(chained(refused)).as(bad).isEqualTo(9005);
        }
        for (String good : List.of("2001:db8::1", "::ffff:192.0.2.1", "2001:DB8:0:0:0:0:0:1", "1:2:3:4:5:6:7::")) {
            assertThat(call("POST", records, dns, "{\"type\":\"AAAA\",\"name\":\"v6\",\"content\":\"" + good + "\"}").path("success")
                    .asBoolean()).as(good).isTrue();
        }
        // list items take the same literals
        before = store.lastChange();
        String list = call("POST", ACCOUNT + "/rules/lists", admin, "{\"name\":\"v6\",\"kind\":\"ip\"}").path("result").path("id").asText();
        before = store.lastChange();
        assertRefused(call("POST", ACCOUNT + "/rules/lists/" + list + "/items", admin, "[{\"ip\":\":::\"}]"), 10004,
                "Invalid list item: ':::' (expected: an IP address or a CIDR range)", before);
        assertRefused(call("POST", ACCOUNT + "/rules/lists/" + list + "/items", admin, "[{\"ip\":\"2001:db8::/0129\"}]"), 10004, null,
                before);
    }

    @Test
    void numbersOutOfRangeAreRefusedNeverWrapped() throws Exception {
        String records = "/zones/" + zoneId + "/dns_records";
        String dns = api.credentials().issueToken("dns", EnumSet.of(Permission.DNS_WRITE), Set.of(zoneId), "test");
        String settings = api.credentials().issueToken("settings", EnumSet.of(Permission.ZONE_SETTINGS_WRITE), Set.of(zoneId), "test");
        String waf = api.credentials().issueToken("waf", EnumSet.of(Permission.ZONE_WAF_WRITE), Set.of(zoneId), "test");
        long before = store.lastChange();
        // 4294967297 is 2^32 + 1: asInt() made it 1, automatic
        for (String ttl : List.of("4294967297", "4294967596", "-4294967295", "1.5", "\"300\"", "true", "29", "86401", "0")) {
            JsonNode refused = call("POST", records, dns, "{\"type\":\"A\",\"name\":\"t\",\"content\":\"192.0.2.1\",\"ttl\":" + ttl + "}");
            assertRefused(refused, 1004, "Invalid TTL (expected: 1 for automatic, or 30 to 86400)", before);
            assertThat(chained(refused)).as(ttl).isEqualTo(9021);
        }
        assertThat(call("POST", records, dns, "{\"type\":\"A\",\"name\":\"t\",\"content\":\"192.0.2.1\",\"ttl\":300}").path("result")
                .path("ttl").asInt()).isEqualTo(300);
        assertThat(store.dnsRecords(zoneId)).extracting(StoredDnsRecord::ttl).containsExactly(300);

        before = store.lastChange();
        for (String setting : List.of("websocket_idle_timeout", "proxy_read_timeout", "websocket_keepalive")) {
            assertRefused(call("PATCH", "/zones/" + zoneId + "/settings/" + setting, settings, "{\"value\": 4294967297}"), 1007, null, before);
        }
        assertRefused(call("GET", records + "?per_page=4294967297", dns, null), 1004,
                "Invalid per_page: 4294967297 (expected: a number from 5 to 5000000)", before);

        String entrypoint = "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint";
        String rulesetId = call("PUT", entrypoint, waf, "{\"rules\": [{\"expression\": \"true\", \"action\": \"log\"}]}")
                .path("result").path("id").asText();
        before = store.lastChange();
        for (String index : List.of("4294967297", "0", "3", "1.5", "\"1\"")) {
            assertRefused(call("POST", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules", waf,
                    "{\"expression\": \"true\", \"action\": \"block\", \"position\": {\"index\": " + index + "}}"), 20200, null, before);
        }
        JsonNode first = call("POST", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules", waf,
                "{\"expression\": \"true\", \"action\": \"block\", \"position\": {\"index\": 1}}");
        assertThat(first.path("result").path("rules").get(0).path("action").asText()).isEqualTo("block");
        assertRefused(call("PUT", "/zones/" + zoneId + "/rulesets/phases/http_ratelimit/entrypoint", waf, "{\"rules\": [{\"expression\": "
                + "\"true\", \"action\": \"block\", \"ratelimit\": {\"characteristics\": [\"ip.src\"], \"period\": 4294967306, "
                + "\"requests_per_period\": 5}}]}"), 20200, null, store.lastChange());
    }

    @Test
    void auditPagesAreBoundedAndAnUpdateKeepsWhatChangedNotTheRulesetTwice() throws Exception {
        String waf = api.credentials().issueToken("waf", EnumSet.of(Permission.ZONE_WAF_WRITE), Set.of(zoneId), "test");
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_READ), Set.of(zoneId), "test");
        String entrypoint = "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint";
        // 100 rules of about 2.5 KB: a ruleset of about 250 KB
        com.fasterxml.jackson.databind.node.ArrayNode rules = JSON.createArrayNode();
        for (int i = 0; i < 100; i++) {
            rules.addObject().put("description", "rule " + i + " " + "d".repeat(400)).put("expression", "http.request.uri.path eq \"/r" + i + "\"")
                    .put("action", "block").putObject("action_parameters").putObject("response").put("content", "x".repeat(2000));
        }
        JsonNode created = call("PUT", entrypoint, waf, JSON.createObjectNode().set("rules", rules).toString()).path("result");
        String rulesetId = created.path("id").asText();
        String ruleId = created.path("rules").get(42).path("id").asText();
        int rulesetSize = store.ruleset(zoneId, "http_request_firewall_custom").orElseThrow().json().length();
        assertThat(rulesetSize).isGreaterThan(240_000);

        for (int i = 0; i < 5; i++) {
            assertThat(call("PATCH", "/zones/" + zoneId + "/rulesets/" + rulesetId + "/rules/" + ruleId, waf,
                    "{\"description\": \"edit " + i + "\"}").path("success").asBoolean()).isTrue();
        }
        List<dev.pier.control.store.AuditEntry> entries = store.audit(Set.of(zoneId), 1, 6).items();
        assertThat(entries).extracting(dev.pier.control.store.AuditEntry::action).containsExactly("update", "update", "update", "update",
                "update", "create");
        for (var update : entries.subList(0, 5)) {
            assertThat(update.before().length() + update.after().length()).as("an update keeps what changed").isLessThan(1_000);
        }
        JsonNode edit = JSON.readTree(entries.get(0).after());
        assertThat(edit.path("rules").path("changed").get(0).path("id").asText()).isEqualTo(ruleId);
        assertThat(edit.path("rules").path("changed").get(0).path("before").path("description").asText()).isEqualTo("edit 3");
        assertThat(edit.path("rules").path("changed").get(0).path("after").path("description").asText()).isEqualTo("edit 4");
        assertThat(JSON.readTree(entries.get(0).before()).path("version").asInt()).isEqualTo(5);
        assertThat(entries.get(5).after().length()).as("created: the ruleset once").isBetween(rulesetSize, rulesetSize + 1_000);

        // a new version of every rule, five times: five entries of about 250 KB each
        for (int v = 0; v < 5; v++) {
            for (JsonNode r : rules) {
                ((ObjectNode) r).put("description", "v" + v + " " + "d".repeat(400));
            }
            assertThat(call("PUT", entrypoint, waf, JSON.createObjectNode().set("rules", rules).toString()).path("success").asBoolean()).isTrue();
        }
        JsonNode page = call("GET", ACCOUNT + "/audit_logs?zone_id=" + zoneId + "&per_page=1000", reader, null);
        int total = page.path("result_info").path("total_count").asInt();
        assertThat(page.path("result").size()).as("every entry keeps its place on the page").isEqualTo(total);
        assertThat(page.toString().length()).as("a page's values are bounded").isLessThan(AuditApi.PAGE_VALUE_BYTES + 200_000);
        List<String> omitted = new java.util.ArrayList<>();
        page.path("result").forEach(e -> {
            if (e.path("metadata").path("values_omitted").asBoolean()) {
                assertThat(e.path("newValue").isNull()).isTrue();
                omitted.add(e.path("id").asText());
            }
        });
        assertThat(omitted).isNotEmpty();
        JsonNode whole = call("GET", ACCOUNT + "/audit_logs?id=" + omitted.get(0), reader, null);
        assertThat(whole.path("result").size()).isEqualTo(1);
        assertThat(whole.path("result").get(0).path("newValue").path("rules").isObject()).isTrue();
        assertThat(whole.path("result").get(0).path("metadata").has("values_omitted")).isFalse();
        // ?id= filters as the list does: another zone's token does not get it
        String other = call("POST", "/zones", admin, "{\"name\":\"other.example\"}").path("result").path("id").asText();
        String otherReader = api.credentials().issueToken("other", EnumSet.of(Permission.ZONE_READ), Set.of(other), "test");
        assertThat(call("GET", ACCOUNT + "/audit_logs?id=" + omitted.get(0), otherReader, null).path("result").size()).isZero();
        assertError(call("GET", ACCOUNT + "/audit_logs?per_page=1001", reader, null), 400, 1004,
                "Invalid per_page: 1001 (expected: a number from 1 to 1000)");
    }

    @Test
    void rulesImportedFromYamlGetStableIdsAndAreEditedOneAtATime() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pier-import");
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("zones.yaml"), """
                zones:
                  - name: example.com
                    dns_records:
                      - { type: A, name: example.com, content: 192.0.2.1 }
                    rulesets:
                      - phase: http_request_firewall_custom
                        rules:
                          - { expression: 'http.request.uri.path eq "/admin"', action: block }
                          - { ref: no_curl, expression: 'http.user_agent contains "curl"', action: log }
                """);
        dev.pier.control.StoredZones.importYaml(file, store, "test");
        String waf = api.credentials().issueToken("waf", EnumSet.of(Permission.ZONE_WAF_WRITE, Permission.ZONE_READ), Set.of(zoneId), "test");
        String entrypoint = "/zones/" + zoneId + "/rulesets/phases/http_request_firewall_custom/entrypoint";
        JsonNode ruleset = call("GET", entrypoint, waf, null).path("result");
        List<String> ids = ruleset.path("rules").findValuesAsText("id");
        assertThat(ids).hasSize(2).allSatisfy(id -> assertThat(id).matches("[0-9a-f]{32}")).doesNotHaveDuplicates();
        assertThat(ids).containsExactly(
                dev.pier.config.ruleset.RuleIds.of("example.com", dev.pier.config.ruleset.Phase.HTTP_REQUEST_FIREWALL_CUSTOM, null, 0),
                dev.pier.config.ruleset.RuleIds.of("example.com", dev.pier.config.ruleset.Phase.HTTP_REQUEST_FIREWALL_CUSTOM, "no_curl", 1));
        // the edge names the rules by the same ids (its request log says which rule acted)
        assertThat(dev.pier.control.StoredZones.load(store).get(0).rulesets().get(0).rules())
                .extracting(dev.pier.config.ruleset.RulesetRule::id).containsExactlyElementsOf(ids);
        // one rule edited through the API, by its id
        JsonNode edited = call("PATCH", "/zones/" + zoneId + "/rulesets/" + ruleset.path("id").asText() + "/rules/" + ids.get(1), waf,
                "{\"action\": \"block\"}");
        assertThat(edited.path("success").asBoolean()).as(edited.toString()).isTrue();
        assertThat(edited.path("result").path("rules").get(1).path("action").asText()).isEqualTo("block");
        assertThat(edited.path("result").path("rules").findValuesAsText("id")).containsExactlyElementsOf(ids);
        // importing the file again gives the same ids
        dev.pier.control.StoredZones.importYaml(file, store, "test");
        assertThat(call("GET", entrypoint, waf, null).path("result").path("rules").findValuesAsText("id")).containsExactlyElementsOf(ids);
    }

    /** NUL reaching PostgreSQL as a query's parameter was "store unavailable" (503) for a read-only token too. */
    @Test
    void nulInAQueryParameterPhaseOrItemIdIsTheClientsError() throws Exception {
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.ZONE_READ), Set.of(), "test");
        String waf = api.credentials().issueToken("waf", EnumSet.of(Permission.ZONE_WAF_WRITE), Set.of(), "test");
        long before = store.lastChange();
        assertRefused(call("GET", "/zones?name=a\0b", reader, null), 1004,
                "Invalid name: character 2 is U+0000 (expected: text without control characters)", before);
        assertRefused(call("GET", ACCOUNT + "/audit_logs?zone_id=\0", reader, null), 1004, null, before);
        assertRefused(call("POST", "/zones/" + zoneId + "/rulesets", waf, "{\"phase\": \"http_request_firewall_custom\\u0000\", \"rules\": []}"),
                20200, null, before);
        String lists = api.credentials().issueToken("lists", EnumSet.of(Permission.LISTS_WRITE), Set.of(), "test");
        String list = call("POST", ACCOUNT + "/rules/lists", lists, "{\"name\":\"office\",\"kind\":\"ip\"}").path("result").path("id").asText();
        before = store.lastChange();
        assertRefused(call("DELETE", ACCOUNT + "/rules/lists/" + list + "/items", lists, "{\"items\": [{\"id\": \"a\\u0000\"}]}"), 10003,
                null, before);
        assertThat(call("GET", "/zones?name=example.com", reader, null).path("result").size()).isEqualTo(1);
    }
}
