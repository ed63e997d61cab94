package dev.pier.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.control.TestStores;
import dev.pier.control.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document is the route table: the same operations with the same
 * permissions, the same query bounds the handlers enforce, and a well-formed OpenAPI 3.1
 * document (checked for the rules of the specification a client generator relies on).
 */
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([^}]+)\\}");

    private Store store;
    private ControlApi api;
    private JsonNode doc;

    @BeforeEach
    void setUp() throws Exception {
        store = TestStores.embedded();
        api = new ControlApi(store);
        ApiResponse served = api.handle(new ApiRequest("GET", "/openapi.json", Map.of(), Map.of(), new byte[0]));
        assertThat(served.status()).isEqualTo(200);
        doc = JSON.readTree(served.json());
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void theDocumentListsExactlyTheRoutesServedWithWhoMayCallThem() {
        List<String> documented = new ArrayList<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> documented.add(
                op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + " " + op.getValue().path("x-pier-access").asText()
                        + " " + op.getValue().path("x-pier-permission").asText("-"))));
        List<String> served = api.routes().stream().map(r -> r + " " + r.access() + " "
                + (r.permission() == null ? "-" : r.permission().label())).toList();
        assertThat(new TreeSet<>(documented)).containsExactlyElementsOf(new TreeSet<>(served));
        assertThat(documented).hasSameSizeAs(served);
        assertThat(doc.at("/paths/~1zones~1{zone_id}~1dns_records/post/x-pier-permission").asText()).isEqualTo("DNS Write");
        assertThat(doc.at("/paths/~1zones~1{zone_id}~1dns_records/post/description").asText())
                .isEqualTo("A token with DNS Write whose scope includes the zone.");
        assertThat(doc.at("/paths/~1openapi.json/get/security")).isEmpty();
        assertThat(doc.at("/info/description").asText()).endsWith("The account id is always " + ControlApi.ACCOUNT_ID + ".");
    }

    @Test
    void theDocumentIsWellFormedOpenApi31() {
        assertThat(doc.path("openapi").asText()).matches("3\\.1\\.\\d+");
        assertThat(doc.at("/info/title").asText()).isNotBlank();
        assertThat(doc.at("/info/version").asText()).isNotBlank();
        Set<String> tags = new HashSet<>(doc.path("tags").findValuesAsText("name"));
        Set<String> operationIds = new HashSet<>();
        doc.path("security").forEach(requirement -> requirement.fieldNames().forEachRemaining(scheme ->
                assertThat(doc.at("/components/securitySchemes/" + scheme).isObject()).as(scheme).isTrue()));
        doc.path("paths").properties().forEach(path -> {
            assertThat(path.getKey()).startsWith("/");
            Set<String> templated = new TreeSet<>();
            Matcher m = TEMPLATE_PARAMETER.matcher(path.getKey());
            while (m.find()) {
                templated.add(m.group(1));
            }
            path.getValue().properties().forEach(entry -> {
                String what = entry.getKey() + " " + path.getKey();
                JsonNode op = entry.getValue();
                assertThat(METHODS).as(what).contains(entry.getKey());
                assertThat(operationIds.add(op.path("operationId").asText())).as(what + ": a unique operationId").isTrue();
                assertThat(op.path("operationId").asText()).as(what).isNotBlank();
                assertThat(op.path("tags")).as(what).isNotEmpty().allSatisfy(t -> assertThat(tags).contains(t.asText()));
                Set<String> declared = new TreeSet<>();
                Set<String> unique = new HashSet<>();
                op.path("parameters").forEach(p -> {
                    assertThat(p.path("in").asText()).as(what).isIn("path", "query", "header", "cookie");
                    assertThat(unique.add(p.path("in").asText() + " " + p.path("name").asText())).as(what + ": " + p).isTrue();
                    assertThat(p.path("schema").isObject()).as(what + ": " + p).isTrue();
                    if (p.path("in").asText().equals("path")) {
                        assertThat(p.path("required").asBoolean()).as(what + ": a path parameter is required").isTrue();
                        declared.add(p.path("name").asText());
                    }
                });
                assertThat(declared).as(what + ": the template's parameters are declared, and only those").isEqualTo(templated);
                assertThat(op.path("responses").size()).as(what).isPositive();
                op.path("responses").properties().forEach(r -> {
                    assertThat(r.getKey()).as(what).matches("default|[1-5](\\d\\d|XX)");
                    assertThat(r.getValue().has("description") || r.getValue().has("$ref")).as(what + " " + r.getKey()).isTrue();
                });
                if (op.has("requestBody")) {
                    assertThat(op.at("/requestBody/content").size()).as(what).isPositive();
                }
            });
        });
        List<String> refs = doc.findValuesAsText("$ref");
        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref + " resolves").isFalse();
        });
        doc.at("/components/schemas").properties().forEach(schema ->
                assertThat(refs).as("schema " + schema.getKey() + " is used").contains("#/components/schemas/" + schema.getKey()));
    }

    /** Every number the document bounds is refused just past its bounds, with the bounds the document states. */
    @Test
    void everyNumberIsRefusedPastTheBoundsTheDocumentStates() throws Exception {
        String admin = api.credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
        String zoneId = call("POST", "/zones", admin, Map.of(), "{\"name\":\"example.com\"}").at("/result/id").asText();
        String listId = call("POST", "/accounts/" + ControlApi.ACCOUNT_ID + "/rules/lists", admin, Map.of(),
                "{\"name\":\"office\",\"kind\":\"ip\"}").at("/result/id").asText();
        int checked = 0;
        for (var path : (Iterable<Map.Entry<String, JsonNode>>) doc.path("paths").properties()::iterator) {
            String concrete = path.getKey().replace("{zone_id}", zoneId).replace("{account_id}", ControlApi.ACCOUNT_ID)
                    .replace("{list_id}", listId);
            for (JsonNode p : path.getValue().path("get").path("parameters")) {
                JsonNode schema = p.path("schema");
                if (!p.path("in").asText().equals("query") || !schema.path("type").asText().equals("integer")) {
                    continue;
                }
                String name = p.path("name").asText();
                long min = schema.path("minimum").asLong();
                long max = schema.path("maximum").asLong();
                for (long past : new long[] {min - 1, max + 1}) {
                    JsonNode refused = call("GET", concrete, admin, Map.of(name, List.of(Long.toString(past))), null);
                    assertThat(refused.at("/errors/0/code").asInt()).as(path.getKey() + " " + name + "=" + past).isEqualTo(1004);
                    assertThat(refused.at("/errors/0/message").asText()).isEqualTo("Invalid " + name + ": " + past
                            + " (expected: a number from " + min + " to " + max + ")");
                }
                JsonNode within = call("GET", concrete, admin, Map.of(name, List.of(Long.toString(max))), null);
                assertThat(within.path("success").asBoolean()).as(path.getKey() + " " + name + "=" + max).isTrue();
                checked++;
            }
        }
        assertThat(checked).as("page, per_page and id of zones, records, certificates, list items, the audit log, accounts and memberships").isEqualTo(14);
    }

    private JsonNode call(String method, String path, String token, Map<String, List<String>> query, String body) throws Exception {
        ApiResponse response = api.handle(new ApiRequest(method, path, query, Map.of("authorization", "Bearer " + token),
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
        return JSON.readTree(response.json());
    }
}
