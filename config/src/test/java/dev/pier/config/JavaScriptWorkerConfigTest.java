package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Worker in JavaScript: {@code main_module} (relative to the file) and {@code compatibility_date} instead of a class. */
class JavaScriptWorkerConfigTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:8080
            workers:
              - name: chat
                main_module: chat/src/worker.js
                compatibility_date: "2025-04-01"
                vars: { GREETING: hello }
                durable_objects:
                  - { binding: ROOMS, class: ChatRoom }
              - { name: java, class: com.example.Java }
            zones:
              - name: example.com
                dns_records:
                  - { type: A, name: example.com, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "example.com/chat*", script: chat }
            """;

    @Test
    void aMainModuleIsResolvedAgainstTheFilesFolderAndKeepsItsCompatibilityDate() {
        PierConfig config = ConfigLoader.parse(YAML, Path.of("/etc/pier"));
        WorkerScript chat = config.workers().get(0);
        assertThat(chat).isEqualTo(WorkerScript.javaScript("chat", Path.of("/etc/pier/chat/src/worker.js"), "2025-04-01",
                Map.of("GREETING", "hello"), Map.of("ROOMS", "ChatRoom")));
        assertThat(chat.isJavaScript()).isTrue();
        assertThat(chat.className()).isNull();
        assertThat(chat.jar()).isNull();
        WorkerScript java = config.workers().get(1);
        assertThat(java.isJavaScript()).isFalse();
        assertThat(java).isEqualTo(new WorkerScript("java", "com.example.Java", null, Map.of()));
        assertThat(java.compatibilityDate()).isNull();
    }

    @Test
    void exactlyOneOfClassAndMainModule() {
        assertError(YAML.replace("main_module: chat/src/worker.js", "main_module: chat/src/worker.js\n    class: com.example.Chat"),
                "workers[0].main_module: 'chat/src/worker.js' beside class 'com.example.Chat' (expected: exactly one of class");
        assertError(YAML.replace("main_module: chat/src/worker.js", ""),
                "workers[0].class: missing (expected: the Worker's class name, e.g. com.example.ChatWorker, or main_module");
        assertError(YAML.replace("main_module: chat/src/worker.js", "main_module: chat/src/worker.js\n    jar: chat.jar"),
                "workers[0].jar: 'chat.jar' beside main_module (expected: jar only with class)");
        assertThatThrownBy(() -> new WorkerScript("x", null, null, Map.of(), Map.of(), null, null))
                .hasMessageContaining("worker x: neither class nor main_module (expected: exactly one");
        assertThatThrownBy(() -> new WorkerScript("x", "a.B", null, Map.of(), Map.of(), Path.of("w.js"), null))
                .hasMessageContaining("worker x: both class and main_module");
    }

    @Test
    void aCompatibilityDateIsADateAndOnlyForJavaScript() {
        assertError(YAML.replace("\"2025-04-01\"", "April"),
                "workers[0].compatibility_date: 'April' (expected: a date as yyyy-mm-dd, e.g. 2025-01-01)");
        assertError(YAML.replace("{ name: java, class: com.example.Java }", "{ name: java, class: com.example.Java, compatibility_date: 2025-01-01 }"),
                "workers[1].compatibility_date: '2025-01-01' (expected: only with main_module)");
    }

    @Test
    void aDurableObjectOfAJavaScriptWorkerIsAnExportedClassName() {
        assertError(YAML.replace("class: ChatRoom", "class: rooms.ChatRoom"),
                "workers[0].durable_objects[0].class: 'rooms.ChatRoom' (expected: the name of a class the main module exports");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, Path.of("/etc/pier"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }
}
