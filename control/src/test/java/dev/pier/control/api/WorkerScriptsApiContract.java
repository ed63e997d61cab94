package dev.pier.control.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.PierConfig;
import dev.pier.config.WorkerLimits;
import dev.pier.config.WorkerScript;
import dev.pier.config.ConfigLoader;
import dev.pier.control.CertificateFolder;
import dev.pier.control.ScriptFolder;
import dev.pier.control.StoredZones;
import dev.pier.control.store.AuditEntry;
import dev.pier.control.store.Store;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloudflare's Workers script API against each store: a module Worker uploaded as multipart with
 * its metadata, bindings and Durable Object migrations; read back in Cloudflare's shapes with
 * secret texts never shown; Cloudflare's errors for what cannot run, writing nothing; and the
 * stored script as the edge runs it (a JavaScript WorkerScript whose modules are files).
 */
abstract class WorkerScriptsApiContract {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCRIPTS = "/accounts/" + ControlApi.ACCOUNT_ID + "/workers/scripts";
    static final String WORKER = "import page from './page.html';\n"
            + "export class ChatRoom { constructor(state, env) { this.state = state; } async fetch() { return new Response('room'); } }\n"
            + "export default { async fetch(request, env) { return new Response(page + env.GREETING); } };\n";
    /** Bytes that look like a multipart delimiter and are not UTF-8: a data module must arrive as sent. */
    static final byte[] DATA = {0, (byte) 0xff, '\r', '\n', '-', '-', 'x', (byte) 0x80, 13, 10};

    Store store;
    ControlApi api;
    String admin;
    int lastStatus;
    @TempDir
    Path dir;

    protected abstract Store open() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        store = open();
        api = new ControlApi(store);
        admin = api.credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void aModuleWorkerWithADurableObjectUploadsAndReadsBackInCloudflaresShapes() throws Exception {
        ObjectNode metadata = metadata("v1", null);
        metadata.putObject("migrations").put("new_tag", "v1").putArray("new_sqlite_classes").add("ChatRoom");
        JsonNode put = upload("chat", admin, metadata, module("index.js", "application/javascript+module", WORKER),
                module("page.html", "text/plain", "<h1>chat</h1>"), module("data.bin", "application/octet-stream", DATA));
        assertThat(lastStatus).as(put.toString()).isEqualTo(200);
        JsonNode script = put.path("result");
        assertThat(script.path("id").asText()).isEqualTo("chat");
        assertThat(script.path("etag").asText()).matches("[0-9a-f]{64}");
        assertThat(script.path("migration_tag").asText()).isEqualTo("v1");
        assertThat(script.path("compatibility_date").asText()).isEqualTo("2025-04-01");
        assertThat(script.path("has_modules").asBoolean()).isTrue();

        JsonNode list = call("GET", SCRIPTS, admin);
        assertThat(list.path("result").findValuesAsText("id")).containsExactly("chat");

        JsonNode settings = call("GET", SCRIPTS + "/chat/settings", admin).path("result");
        assertThat(settings.path("bindings")).hasSize(3);
        assertThat(settings.path("bindings").get(0).path("text").asText()).isEqualTo("hello ");
        assertThat(settings.path("bindings").get(1).path("type").asText()).isEqualTo("secret_text");
        assertThat(settings.path("bindings").get(1).has("text")).as("a secret text is never shown").isFalse();
        assertThat(settings.path("bindings").get(2).path("class_name").asText()).isEqualTo("ChatRoom");
        assertThat(settings.toString()).doesNotContain("s3cret");

        // the download is the modules as sent, multipart, as Cloudflare's
        ApiResponse download = raw("GET", SCRIPTS + "/chat", admin, Map.of(), new byte[0]);
        assertThat(download.contentType()).startsWith("multipart/form-data; boundary=");
        List<Multipart.Part> parts = Multipart.parse(download.contentType(), download.body());
        assertThat(parts).extracting(Multipart.Part::name).containsExactly("data.bin", "index.js", "page.html");
        assertThat(parts.get(0).content()).isEqualTo(DATA);
        assertThat(parts.get(1).text()).isEqualTo(WORKER);
        ApiResponse main = raw("GET", SCRIPTS + "/chat/content/v2", admin, Map.of(), new byte[0]);
        assertThat(main.contentType()).isEqualTo("application/javascript+module");
        assertThat(main.json()).isEqualTo(WORKER);

        // the audit log has the upload, without the secret or the code
        AuditEntry entry = store.audit(Set.of(), 1, 10).items().get(0);
        assertThat(entry.resourceType()).isEqualTo("worker_script");
        assertThat(entry.after()).contains("index.js").doesNotContain("s3cret").doesNotContain("export default");

        // the account's scripts are account resources: a read token reads, cannot write; a zone-scoped token gets nothing
        String reader = api.credentials().issueToken("reader", EnumSet.of(Permission.WORKERS_SCRIPTS_READ), Set.of(), "test");
        assertThat(call("GET", SCRIPTS, reader).path("result")).hasSize(1);
        assertError(upload("chat", reader, metadata("v1", null), module("index.js", "application/javascript+module", WORKER)), 403,
                10000, "Authentication error");
        String scoped = api.credentials().issueToken("scoped", EnumSet.of(Permission.WORKERS_SCRIPTS_WRITE),
                Set.of(store.createZone("example.com", "test").id()), "test");
        assertError(call("GET", SCRIPTS, scoped), 403, 10000, "Authentication error");

        assertThat(call("DELETE", SCRIPTS + "/chat", admin).path("result").path("id").asText()).isEqualTo("chat");
        assertError(call("GET", SCRIPTS + "/chat/settings", admin), 404, 10007, "This Worker does not exist on your account: chat");
        assertThat(store.workerScriptModules("chat")).isEmpty();
    }

    @Test
    void migrationsApplyOnlyFromTheScriptsTagAndBindingsNeedTheirClass() throws Exception {
        ObjectNode first = metadata("v1", null);
        first.putObject("migrations").put("new_tag", "v1").putArray("new_classes").add("ChatRoom");
        String etag = upload("chat", admin, first, module("index.js", "application/javascript+module", WORKER)).path("result")
                .path("etag").asText();

        // the same migration again: old_tag is not the script's tag any more
        assertError(upload("chat", admin, first, module("index.js", "application/javascript+module", WORKER + "//2")), 400,
                ScriptMigrations.TAG_PRECONDITION, "Migration tag precondition failed; current tag is v1 (expected: old_tag 'v1', got none)");
        assertThat(store.workerScript("chat").orElseThrow().etag()).as("nothing written").isEqualTo(etag);

        // without migrations: the tag and the classes stay, and the binding still holds
        JsonNode kept = upload("chat", admin, metadata("v1", null), module("index.js", "application/javascript+module", WORKER + "//3"));
        assertThat(kept.path("result").path("migration_tag").asText()).isEqualTo("v1");

        // Cloudflare's stepped form: rename, then a new class; the binding follows the new name
        ObjectNode renamed = metadata("v1", "Room");
        ObjectNode m = renamed.putObject("migrations").put("old_tag", "v1").put("new_tag", "v2");
        ObjectNode step = m.putArray("steps").addObject();
        step.putArray("renamed_classes").addObject().put("from", "ChatRoom").put("to", "Room");
        m.withArray("steps").addObject().putArray("new_sqlite_classes").add("Limiter");
        assertThat(upload("chat", admin, renamed, module("index.js", "application/javascript+module", WORKER)).path("result")
                .path("migration_tag").asText()).isEqualTo("v2");
        assertThat(store.workerScript("chat").orElseThrow().durableObjectClasses())
                .isEqualTo("[{\"class_name\":\"Room\",\"sqlite\":false},{\"class_name\":\"Limiter\",\"sqlite\":true}]");

        // a binding to a class no migration made a Durable Object
        assertError(upload("chat", admin, metadata("v2", "ChatRoom"), module("index.js", "application/javascript+module", WORKER)), 400,
                ScriptMigrations.NOT_A_DURABLE_OBJECT, "Cannot create binding for class 'ChatRoom' that is not currently configured to "
                        + "implement Durable Objects (expected: a migration with new_classes or new_sqlite_classes naming it, or one of "
                        + "[Room, Limiter])");
        ObjectNode deleteMissing = metadata("v2", null);
        deleteMissing.putObject("migrations").put("old_tag", "v2").put("new_tag", "v3").putArray("deleted_classes").add("Nope");
        assertError(upload("chat", admin, deleteMissing, module("index.js", "application/javascript+module", WORKER)), 400, 10021,
                "metadata.migrations.deleted_classes: 'Nope' (expected: a Durable Object class of the script, one of [Room, Limiter])");
        assertThat(store.workerScript("chat").orElseThrow().migrationTag()).isEqualTo("v2");
    }

    @Test
    void whatCannotRunIsRefusedWithCloudflaresCodesAndNothingIsWritten() throws Exception {
        byte[] js = WORKER.getBytes(StandardCharsets.UTF_8);
        assertError(upload("chat", admin, null, module("index.js", "application/javascript+module", js)), 400, 10021,
                "metadata: missing (expected: a part named metadata holding the script's JSON metadata, with main_module)");
        ObjectNode noMain = metadata("v1", null);
        noMain.remove("main_module");
        assertError(upload("chat", admin, noMain, module("index.js", "application/javascript+module", js)), 400, 10021,
                "metadata.main_module: missing (expected: the name of the part holding the main module; Pier runs module Workers, "
                        + "not service-worker scripts)");
        assertError(upload("chat", admin, metadata("v1", null), module("main.js", "application/javascript+module", js)), 400, 10021,
                "metadata.main_module: 'index.js' (expected: the name of an uploaded part; the parts are [main.js])");
        assertError(upload("chat", admin, metadata("v1", null), module("index.js", "application/javascript+module", js),
                module("./../x.js", "application/javascript+module", js)), 400, 10021, "module './../x.js': (expected: a relative path of "
                + "letters, digits, '.', '_', '-', '@', '+' and '/', without '.' or '..' segments but a leading ./, at most 256 characters)");
        assertError(upload("chat", admin, metadata("v1", null), module("index.js", "application/wasm", js)), 400, 10021,
                "module 'index.js': Content-Type 'application/wasm' (expected: one of [application/javascript+module, application/json, "
                        + "application/octet-stream, text/javascript+module, text/plain])");
        ObjectNode kv = metadata("v1", null);
        kv.withArray("bindings").addObject().put("type", "kv_namespace").put("name", "KV").put("namespace_id", "x");
        assertError(upload("chat", admin, kv, module("index.js", "application/javascript+module", js)), 400, 10021,
                "metadata.bindings[3].type: 'kv_namespace' (expected: plain_text, secret_text or durable_object_namespace; Pier runs "
                        + "no other bindings)");
        assertError(upload("Chat!", admin, metadata("v1", null), module("index.js", "application/javascript+module", js)), 400, 10016,
                "script_name: 'Chat!' (expected: lower-case letters, digits, '-' and '_', at most 63, starting with a letter or digit)");
        JsonNode json = JSON.readTree(raw("PUT", SCRIPTS + "/chat", admin, Map.of("content-type", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8)).json());
        assertError(json, 400, 10021, "Content-Type: 'application/json' (expected: multipart/form-data with a metadata part and the "
                + "modules)");
        assertThat(call("GET", SCRIPTS, admin).path("result")).isEmpty();
        assertThat(store.audit(Set.of(), 1, 10).items()).extracting(AuditEntry::resourceType).doesNotContain("worker_script");
    }

    @Test
    void theAccountIsFoundAsCloudflaresClientsFindIt() throws Exception {
        String any = api.credentials().issueToken("dns", EnumSet.of(Permission.DNS_WRITE), Set.of(), "test");
        JsonNode accounts = call("GET", "/accounts", any);
        assertThat(accounts.path("result")).hasSize(1);
        assertThat(accounts.path("result").get(0).path("id").asText()).isEqualTo(ControlApi.ACCOUNT_ID);
        assertThat(accounts.path("result_info").path("total_count").asInt()).isEqualTo(1);
        assertThat(call("GET", "/accounts?page=2", any).path("result")).isEmpty();
        assertThat(call("GET", "/accounts/" + ControlApi.ACCOUNT_ID, any).path("result").path("name").asText()).isEqualTo("Pier");
        JsonNode memberships = call("GET", "/memberships", any).path("result");
        assertThat(memberships.get(0).path("account").path("id").asText()).isEqualTo(ControlApi.ACCOUNT_ID);
        assertThat(memberships.get(0).path("status").asText()).isEqualTo("accepted");
        assertError(call("GET", "/accounts", (String) null), 400, 10000, "Authentication error");
    }

    /** Cloudflare's limits in the upload's metadata and the settings' PATCH: checked with Cloudflare's codes, kept, shown, run. */
    @Test
    void limitsFromTheMetadataAndTheSettingsAreCheckedKeptAndRun() throws Exception {
        Path file = dir.resolve("pier.yaml");
        Files.writeString(file, "listeners:\n  - address: 127.0.0.1:0\n");
        PierConfig base = ConfigLoader.load(file);
        byte[] js = WORKER.getBytes(StandardCharsets.UTF_8);
        ObjectNode metadata = metadata("v1", null);
        metadata.putObject("migrations").put("new_tag", "v1").putArray("new_sqlite_classes").add("ChatRoom");
        metadata.putObject("limits").put("cpu_ms", 50).put("subrequests", 20);
        upload("chat", admin, metadata, module("index.js", "application/javascript+module", js), module("./page.html", "text/plain", "hi"));
        assertThat(lastStatus).isEqualTo(200);
        assertThat(call("GET", SCRIPTS + "/chat/settings", admin).path("result").path("limits").toString())
                .isEqualTo("{\"cpu_ms\":50,\"subrequests\":20}");
        try (ScriptFolder scripts = ScriptFolder.create(); CertificateFolder certificates = CertificateFolder.create()) {
            assertThat(StoredZones.config(base, store, certificates, scripts).workers().get(0).limits())
                    .isEqualTo(new WorkerLimits(50, WorkerLimits.DEFAULT.memoryBytes(), 20));

            String etag = store.workerScript("chat").orElseThrow().etag();
            JsonNode patched = patchSettings("chat", "{\"limits\":{\"cpu_ms\":100},\"logpush\":false}", true);
            assertThat(lastStatus).as(patched.toString()).isEqualTo(200);
            assertThat(patched.path("result").path("limits").toString()).isEqualTo("{\"cpu_ms\":100}");
            assertThat(patched.path("result").path("bindings")).hasSize(3);
            assertThat(store.workerScript("chat").orElseThrow().etag()).as("a new version, which the edge loads anew").isNotEqualTo(etag);
            assertThat(StoredZones.config(base, store, certificates, scripts).workers().get(0).limits())
                    .isEqualTo(new WorkerLimits(100, WorkerLimits.DEFAULT.memoryBytes(), WorkerLimits.DEFAULT.subrequests()));
            assertThat(store.workerScriptModules("chat")).hasSize(2);

            patchSettings("chat", "{\"limits\":null}", false);
            assertThat(lastStatus).isEqualTo(200);
            assertThat(call("GET", SCRIPTS + "/chat/settings", admin).path("result").has("limits")).isFalse();
            assertThat(StoredZones.config(base, store, certificates, scripts).workers().get(0).limits()).isEqualTo(WorkerLimits.DEFAULT);
        }

        String before = store.workerScript("chat").orElseThrow().etag();
        assertError(patchSettings("chat", "{\"limits\":{\"cpu_ms\":300001}}", true), 400, ScriptUpload.CPU_LIMIT,
                "settings.limits.cpu_ms: 300001 (expected: 1 to 300000 ms of CPU time, Cloudflare's 5 minutes at most)");
        assertError(patchSettings("chat", "{\"bindings\":[]}", true), 400, 10021, "settings.bindings: not changed here (expected: "
                + "limits; upload the script again to change its bindings, compatibility or migrations)");
        assertError(patchSettings("nope", "{\"limits\":{\"cpu_ms\":10}}", true), 404, WorkerScriptsApi.NOT_FOUND, null);
        assertThat(store.workerScript("chat").orElseThrow().etag()).isEqualTo(before);

        ObjectNode zero = metadata("v1", null);
        zero.putObject("limits").put("cpu_ms", 0);
        assertError(upload("other", admin, zero, module("index.js", "application/javascript+module", js)), 400, ScriptUpload.CPU_LIMIT,
                "metadata.limits.cpu_ms: 0 (expected: 1 to 300000 ms of CPU time, Cloudflare's 5 minutes at most)");
        ObjectNode wall = metadata("v1", null);
        wall.putObject("limits").put("wall_ms", 10);
        assertError(upload("other", admin, wall, module("index.js", "application/javascript+module", js)), 400, 10021,
                "metadata.limits.wall_ms: not a limit Pier runs (expected: cpu_ms, subrequests)");
        ObjectNode text = metadata("v1", null);
        text.put("limits", "fast");
        assertError(upload("other", admin, text, module("index.js", "application/javascript+module", js)), 400, 10021,
                "metadata.limits: \"fast\" (expected: an object such as {\"cpu_ms\": 50})");
        ObjectNode many = metadata("v1", null);
        many.putObject("limits").put("subrequests", -1);
        assertError(upload("other", admin, many, module("index.js", "application/javascript+module", js)), 400, 10021,
                "metadata.limits.subrequests: -1 (expected: a whole number from 0 to 10000000)");
        assertThat(store.workerScript("other")).isEmpty();
    }

    /** A PATCH of the script's settings: a settings part of multipart/form-data as Cloudflare's clients send it, or plain JSON. */
    JsonNode patchSettings(String name, String settings, boolean multipart) throws Exception {
        if (!multipart) {
            return JSON.readTree(raw("PATCH", SCRIPTS + "/" + name + "/settings", admin, Map.of("content-type", "application/json"),
                    settings.getBytes(StandardCharsets.UTF_8)).json());
        }
        String boundary = "----pier" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"settings\"\r\nContent-Type: application/json\r\n\r\n"
                + settings + "\r\n--" + boundary + "--\r\n";
        return JSON.readTree(raw("PATCH", SCRIPTS + "/" + name + "/settings", admin,
                Map.of("content-type", "multipart/form-data; boundary=" + boundary), body.getBytes(StandardCharsets.UTF_8)).json());
    }

    /** The edge runs what the store holds: a JavaScript WorkerScript, its modules written as files beside its main module. */
    @Test
    void theEdgeRunsStoredScriptsFromFilesOfTheirModules() throws Exception {
        ObjectNode metadata = metadata("v1", null);
        metadata.putObject("migrations").put("new_tag", "v1").putArray("new_sqlite_classes").add("ChatRoom");
        upload("chat", admin, metadata, module("index.js", "application/javascript+module", WORKER),
                module("./pages/page.html", "text/plain", "<h1>chat</h1>"), module("data.bin", "application/octet-stream", DATA));
        Path file = dir.resolve("pier.yaml");
        Files.writeString(file, "listeners:\n  - address: 127.0.0.1:0\n");
        PierConfig base = ConfigLoader.load(file);
        try (ScriptFolder scripts = ScriptFolder.create(); CertificateFolder certificates = CertificateFolder.create()) {
            PierConfig config = StoredZones.config(base, store, certificates, scripts);
            WorkerScript chat = config.workers().get(0);
            assertThat(chat.name()).isEqualTo("chat");
            assertThat(chat.isJavaScript()).isTrue();
            assertThat(chat.compatibilityDate()).isEqualTo("2025-04-01");
            assertThat(chat.vars()).isEqualTo(Map.of("GREETING", "hello ", "TOKEN", "s3cret"));
            assertThat(chat.durableObjects()).isEqualTo(Map.of("ROOMS", "ChatRoom"));
            assertThat(Files.readString(chat.mainModule())).isEqualTo(WORKER);
            assertThat(chat.mainModule().getParent().resolve("pages/page.html")).hasContent("<h1>chat</h1>");
            assertThat(Files.readAllBytes(chat.mainModule().getParent().resolve("data.bin"))).isEqualTo(DATA);
            assertThat(Files.getPosixFilePermissions(scripts.dir()).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE]");

            // a new version is a new folder; the old one goes one configuration later, a deleted script's too
            upload("chat", admin, metadata("v1", "ChatRoom"), module("index.js", "application/javascript+module", WORKER + "//2"));
            Path second = StoredZones.config(base, store, certificates, scripts).workers().get(0).mainModule();
            assertThat(second.getParent()).isNotEqualTo(chat.mainModule().getParent());
            assertThat(chat.mainModule()).as("kept while the previous version may still serve").exists();
            assertThat(StoredZones.config(base, store, certificates, scripts).workers().get(0).mainModule()).isEqualTo(second);
            assertThat(chat.mainModule()).doesNotExist();
            call("DELETE", SCRIPTS + "/chat", admin);
            assertThat(StoredZones.config(base, store, certificates, scripts).workers()).isEmpty();
            StoredZones.config(base, store, certificates, scripts);
            assertThat(second).doesNotExist();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A module Worker's metadata: index.js, a plain and a secret text, and a Durable Object binding to {@code objectClass}. */
    static ObjectNode metadata(String unused, String objectClass) {
        ObjectNode m = JSON.createObjectNode().put("main_module", "index.js").put("compatibility_date", "2025-04-01");
        m.putArray("compatibility_flags").add("nodejs_compat");
        var bindings = m.putArray("bindings");
        bindings.addObject().put("type", "plain_text").put("name", "GREETING").put("text", "hello ");
        bindings.addObject().put("type", "secret_text").put("name", "TOKEN").put("text", "s3cret");
        bindings.addObject().put("type", "durable_object_namespace").put("name", "ROOMS")
                .put("class_name", objectClass == null ? "ChatRoom" : objectClass);
        return m;
    }

    record Module(String name, String type, byte[] content) {
    }

    static Module module(String name, String type, String content) {
        return new Module(name, type, content.getBytes(StandardCharsets.UTF_8));
    }

    static Module module(String name, String type, byte[] content) {
        return new Module(name, type, content);
    }

    /** A PUT of the script as Wrangler sends one: multipart, the metadata part first, then each module with its file name. */
    JsonNode upload(String name, String token, ObjectNode metadata, Module... modules) throws Exception {
        String boundary = "----pier" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (metadata != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" + metadata + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        for (Module m : modules) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + m.name() + "\"; filename=\"" + m.name()
                    + "\"\r\nContent-Type: " + m.type() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(m.content());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return JSON.readTree(raw("PUT", SCRIPTS + "/" + name, token, Map.of("content-type", "multipart/form-data; boundary=" + boundary),
                body.toByteArray()).json());
    }

    JsonNode call(String method, String path, String token) throws Exception {
        return JSON.readTree(raw(method, path, token, Map.of(), new byte[0]).json());
    }

    ApiResponse raw(String method, String path, String token, Map<String, String> extra, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>(extra);
        if (token != null) {
            headers.put("authorization", "Bearer " + token);
        }
        int q = path.indexOf('?');
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : path.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], List.of(kv.length > 1 ? kv[1] : ""));
            }
        }
        ApiResponse response = api.handle(new ApiRequest(method, q < 0 ? path : path.substring(0, q), query, headers, body));
        lastStatus = response.status();
        return response;
    }

    void assertError(JsonNode answer, int status, int code, String message) {
        assertThat(lastStatus).as(answer.toString()).isEqualTo(status);
        assertThat(answer.path("success").asBoolean()).isFalse();
        assertThat(answer.path("errors").get(0).path("code").asInt()).as(answer.toString()).isEqualTo(code);
        if (message != null) {
            assertThat(answer.path("errors").get(0).path("message").asText()).isEqualTo(message);
        }
    }
}
