package dev.pier.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.config.ConfigException;
import dev.pier.config.WorkerScript;
import dev.pier.control.store.Json;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredWorkerScript;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store's Workers scripts as the edge runs them: each a JavaScript {@link WorkerScript} whose
 * main module is in the node's {@link ScriptFolder}, its {@code plain_text} and {@code secret_text}
 * bindings its vars, its {@code durable_object_namespace} bindings its Durable Objects, its
 * {@code limits} its limits ({@link ScriptLimits}).
 */
public final class StoredScripts {

    private StoredScripts() {
    }

    /** Every stored script, its modules written in {@code folder}. */
    static List<WorkerScript> load(Store store, ScriptFolder folder) {
        List<WorkerScript> scripts = new ArrayList<>();
        for (StoredWorkerScript s : store.workerScripts()) {
            scripts.add(workerScript(s, folder.mainModule(s, () -> store.workerScriptModules(s.name()))));
        }
        return scripts;
    }

    /** A stored script whose main module is {@code mainModule}, as the edge runs it. */
    public static WorkerScript workerScript(StoredWorkerScript s, Path mainModule) {
        JsonNode settings = Json.stored(s.settingsJson());
        Map<String, String> vars = new LinkedHashMap<>();
        Map<String, String> objects = new LinkedHashMap<>();
        for (JsonNode b : settings.path("bindings")) {
            switch (b.path("type").asText()) {
                case "plain_text", "secret_text" -> vars.put(b.path("name").asText(), b.path("text").asText());
                case "durable_object_namespace" -> objects.put(b.path("name").asText(), b.path("class_name").asText());
                default -> throw new ConfigException("store: Workers script " + s.name() + ": binding " + b
                        + " (expected: plain_text, secret_text or durable_object_namespace)");
            }
        }
        try {
            return WorkerScript.javaScript(s.name(), mainModule, settings.path("compatibility_date").asText(null), vars, objects)
                    .withLimits(ScriptLimits.of(settings.path("limits")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("store: Workers script " + s.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file's Workers with the store's scripts: a stored script replaces the file's Worker of its
     * name (a deploy through the API is the newer word).
     */
    static List<WorkerScript> merged(List<WorkerScript> file, List<WorkerScript> stored) {
        Map<String, WorkerScript> byName = new LinkedHashMap<>();
        file.forEach(w -> byName.put(w.name(), w));
        stored.forEach(w -> byName.put(w.name(), w));
        return List.copyOf(byName.values());
    }
}
