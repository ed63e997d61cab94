package dev.pier.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.ConfigException;
import dev.pier.control.api.ApiRequest;
import dev.pier.control.api.ApiResponse;
import dev.pier.control.api.ControlApi;
import dev.pier.control.api.Permission;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredScriptModule;
import dev.pier.control.store.StoredWorkerScript;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers scripts through `pier export` and `pier import`: modules, settings, bindings, limits, migrations; secret texts never exported. */
class ScriptsExportTest {

    static final byte[] DATA = {0, (byte) 0xff, (byte) 0xfe, 1, 2, 3};

    /** Uploads script {@code chat} through the API: modules (text, HTML, binary), every binding kind, a migration. */
    static void upload(Store store) {
        ControlApi api = new ControlApi(store);
        String token = api.credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
        String b = "b0undary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, b, "metadata", "application/json", ("{\"main_module\":\"index.js\",\"compatibility_date\":\"2025-04-01\","
                + "\"compatibility_flags\":[\"nodejs_compat\"],\"bindings\":[{\"type\":\"plain_text\",\"name\":\"GREETING\",\"text\":\"hé\"},"
                + "{\"type\":\"secret_text\",\"name\":\"TOKEN\",\"text\":\"s3cret-value\"},"
                + "{\"type\":\"durable_object_namespace\",\"name\":\"ROOMS\",\"class_name\":\"Room\"}],"
                + "\"limits\":{\"cpu_ms\":50,\"subrequests\":20},"
                + "\"migrations\":{\"new_tag\":\"v1\",\"new_sqlite_classes\":[\"Room\"]}}").getBytes(StandardCharsets.UTF_8));
        part(body, b, "index.js", "application/javascript+module", ("import page from './page.html';\nexport class Room {}\n"
                + "export default { fetch() { return new Response(page, {headers: {'content-type': 'text/html'}}); } };\n")
                .getBytes(StandardCharsets.UTF_8));
        part(body, b, "page.html", "text/plain", "<h1>Hello ✓</h1>\n".getBytes(StandardCharsets.UTF_8));
        part(body, b, "data.bin", "application/octet-stream", DATA);
        body.writeBytes(("--" + b + "--\r\n").getBytes(StandardCharsets.UTF_8));
        ApiResponse r = api.handle(new ApiRequest("PUT", "/accounts/pier/workers/scripts/chat", Map.of(),
                Map.of("authorization", "Bearer " + token, "content-type", "multipart/form-data; boundary=" + b), body.toByteArray()));
        assertThat(r.status()).as(r.json()).isEqualTo(200);
    }

    static void part(ByteArrayOutputStream out, String boundary, String name, String type, byte[] content) {
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name
                + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aScriptRoundTripsWholeAndItsSecretStaysInTheStore(@TempDir Path dir) throws Exception {
        try (Store store = TestStores.embedded(); Store fresh = TestStores.embedded()) {
            upload(store);
            StoredWorkerScript before = store.workerScript("chat").orElseThrow();
            List<StoredScriptModule> modules = store.workerScriptModules("chat");
            String yaml = StoredZones.exportYaml(store);
            assertThat(yaml).contains("workers_scripts:").contains("name: \"chat\"").contains("<h1>Hello ✓</h1>")
                    .contains("content_base64: \"AP/+AQID\"").contains("TOKEN").contains("v1").contains("nodejs_compat").contains("cpu_ms: 50")
                    .doesNotContain("s3cret-value");
            Path exported = Files.writeString(dir.resolve("exported.yaml"), yaml);

            // into the store it came from: the secret is the store's, and the script is exactly what it was
            StoredZones.importYaml(exported, store, "test");
            StoredWorkerScript after = store.workerScript("chat").orElseThrow();
            assertThat(after.etag()).isEqualTo(before.etag());
            assertThat(after.settingsJson()).isEqualTo(before.settingsJson()).contains("s3cret-value");
            assertThat(after.migrationTag()).isEqualTo("v1");
            assertThat(after.durableObjectClasses()).isEqualTo(before.durableObjectClasses()).contains("Room");
            assertThat(store.workerScriptModules("chat")).usingRecursiveFieldByFieldElementComparator().isEqualTo(modules);

            // into a store without the script: the secret has no text, so nothing is written
            assertThatThrownBy(() -> StoredZones.importYaml(exported, fresh, "test")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("bindings[TOKEN]").hasMessageContaining("secret text").hasMessageNotContaining("s3cret");
            assertThat(fresh.workerScripts()).isEmpty();

            // the file may carry the secret itself
            Path withSecret = Files.writeString(dir.resolve("with-secret.yaml"),
                    yaml.replaceAll("( *)name: \"TOKEN\"", "$1name: \"TOKEN\"\n$1text: \"given\""));
            assertThat(Files.readString(withSecret)).contains("text: \"given\"");
            StoredZones.importYaml(withSecret, fresh, "test");
            assertThat(fresh.workerScript("chat").orElseThrow().settingsJson()).contains("\"text\":\"given\"")
                    .contains("\"limits\":{\"cpu_ms\":50,\"subrequests\":20}");
            assertThat(fresh.workerScriptModules("chat")).usingRecursiveFieldByFieldElementComparator().isEqualTo(modules);
        }
    }

    @Test
    void aMalformedScriptIsRefusedNamingWhereAndNothingIsWritten(@TempDir Path dir) throws Exception {
        try (Store store = TestStores.embedded()) {
            Path file = Files.writeString(dir.resolve("bad.yaml"), """
                    zones: []
                    workers_scripts:
                      - name: chat
                        main_module: index.js
                        settings: { bindings: [] }
                        modules:
                          - { name: other.js, content_type: application/javascript+module, content: "export default {}" }
                    """);
            assertThatThrownBy(() -> StoredZones.importYaml(file, store, "test")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("workers_scripts[0].main_module: \"index.js\" (expected: the name of one of its modules)");
            Path base64 = Files.writeString(dir.resolve("bad64.yaml"), """
                    workers_scripts:
                      - name: chat
                        main_module: index.js
                        settings: { bindings: [] }
                        modules: [ { name: index.js, content_type: application/javascript+module, content_base64: "%%%" } ]
                    """);
            assertThatThrownBy(() -> StoredZones.importYaml(base64, store, "test")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("workers_scripts[0].modules[0].content_base64: \"%%%\" (expected: base64)");
            Path limits = Files.writeString(dir.resolve("limits.yaml"), """
                    workers_scripts:
                      - name: chat
                        main_module: index.js
                        settings: { bindings: [], limits: { cpu_ms: 0 } }
                        modules: [ { name: index.js, content_type: application/javascript+module, content: "export default {}" } ]
                    """);
            assertThatThrownBy(() -> StoredZones.importYaml(limits, store, "test")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("workers_scripts[0].settings.limits.cpu_ms: 0 (expected: 1 to 300000 ms of CPU time");
            assertThat(store.workerScripts()).isEmpty();
        }
    }
}
