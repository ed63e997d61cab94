package dev.pier.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.ConfigException;
import dev.pier.control.store.Json;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredScriptModule;
import dev.pier.control.store.StoredWorkerScript;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The account's Workers scripts in {@code pier export} / {@code pier import}'s {@code workers_scripts}
 * list: each script's main module, settings (compatibility date and flags, bindings, limits), Durable
 * Object migration state and modules (a UTF-8 module as {@code content}, any other as
 * {@code content_base64}). A secret text's {@code text} is never exported, as a certificate's
 * private key is not: an import takes it from the file when given there, else from the stored
 * script of the same name, and refuses a secret it has neither for. Scripts the file does not
 * name are left alone.
 */
public final class ScriptsExport {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ScriptsExport() {
    }

    /** Every stored script, without its secret texts; null when there are none. */
    static ArrayNode export(Store store) {
        List<StoredWorkerScript> scripts = store.workerScripts();
        if (scripts.isEmpty()) {
            return null;
        }
        ArrayNode out = F.arrayNode();
        for (StoredWorkerScript s : scripts) {
            ObjectNode settings = (ObjectNode) Json.stored(s.settingsJson());
            settings.path("bindings").forEach(b -> {
                if (b.path("type").asText().equals("secret_text")) {
                    ((ObjectNode) b).remove("text");
                }
            });
            ObjectNode o = out.addObject().put("name", s.name()).put("main_module", s.mainModule());
            o.set("settings", settings);
            o.put("migration_tag", s.migrationTag());
            o.set("durable_object_classes", Json.stored(s.durableObjectClasses()));
            ArrayNode modules = o.putArray("modules");
            for (StoredScriptModule m : store.workerScriptModules(s.name())) {
                ObjectNode module = modules.addObject().put("name", m.name()).put("content_type", m.contentType());
                String text = utf8(m.content());
                if (text != null) {
                    module.put("content", text);
                } else {
                    module.put("content_base64", Base64.getEncoder().encodeToString(m.content()));
                }
            }
        }
        return out;
    }

    /** A script of the file, checked before anything is written. */
    record Imported(String name, String mainModule, ObjectNode settings, String migrationTag, String classes,
                    List<StoredScriptModule> modules) {
    }

    /** Reads and checks the file's {@code workers_scripts} (missing: none). */
    static List<Imported> read(JsonNode list) {
        List<Imported> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw invalid("workers_scripts", list, "a list of scripts, as `pier export` writes it");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String at = "workers_scripts[" + i + "]";
            String name = text(s, at, "name");
            if (!names.add(name)) {
                throw invalid(at + ".name", s.get("name"), "a name no other script of the file has");
            }
            String main = text(s, at, "main_module");
            if (!s.path("settings").isObject() || !s.path("settings").path("bindings").isArray()) {
                throw invalid(at + ".settings", s.path("settings"), "{compatibility_date, compatibility_flags, bindings: [...], limits}");
            }
            ScriptLimits.Problem limits = ScriptLimits.problem(s.path("settings").path("limits"), at + ".settings.limits");
            if (limits != null) {
                throw new ConfigException(limits.message());
            }
            JsonNode tag = s.path("migration_tag");
            if (!tag.isMissingNode() && !tag.isNull() && !tag.isTextual()) {
                throw invalid(at + ".migration_tag", tag, "a migration tag, or null");
            }
            JsonNode classes = s.path("durable_object_classes");
            if (!classes.isMissingNode() && !classes.isArray()) {
                throw invalid(at + ".durable_object_classes", classes, "[{class_name, sqlite}]");
            }
            List<StoredScriptModule> modules = new ArrayList<>();
            for (JsonNode m : s.path("modules")) {
                String where = at + ".modules[" + modules.size() + "]";
                String moduleName = text(m, where, "name");
                String type = text(m, where, "content_type");
                byte[] content;
                if (m.path("content").isTextual()) {
                    content = m.get("content").textValue().getBytes(StandardCharsets.UTF_8);
                } else if (m.path("content_base64").isTextual()) {
                    try {
                        content = Base64.getDecoder().decode(m.get("content_base64").textValue());
                    } catch (IllegalArgumentException e) {
                        throw invalid(where + ".content_base64", m.get("content_base64"), "base64");
                    }
                } else {
                    throw invalid(where, m, "content (text) or content_base64");
                }
                modules.add(new StoredScriptModule(moduleName, type, content));
            }
            if (modules.stream().noneMatch(m -> m.name().equals(main))) {
                throw invalid(at + ".main_module", s.get("main_module"), "the name of one of its modules");
            }
            out.add(new Imported(name, main, ((ObjectNode) s.get("settings")).deepCopy(), tag.isTextual() ? tag.textValue() : null,
                    classes.isArray() ? classes.toString() : "[]", List.copyOf(modules)));
        }
        return out;
    }

    /** Writes the file's scripts (inside the import's transaction), each secret text from the file or the stored script. */
    static void write(Store tx, List<Imported> scripts, String actor) {
        for (Imported s : scripts) {
            JsonNode storedBindings = tx.workerScript(s.name()).map(w -> Json.stored(w.settingsJson()).path("bindings"))
                    .orElse(F.arrayNode());
            ArrayNode bindings = (ArrayNode) s.settings().path("bindings");
            for (int i = 0; i < bindings.size(); i++) {
                JsonNode b = bindings.get(i);
                if (b.path("type").asText().equals("secret_text") && !b.path("text").isTextual()) {
                    String binding = b.path("name").asText();
                    JsonNode kept = null;
                    for (JsonNode old : storedBindings) {
                        if (old.path("type").asText().equals("secret_text") && old.path("name").asText().equals(binding)
                                && old.path("text").isTextual()) {
                            kept = old;
                        }
                    }
                    if (kept == null) {
                        throw new ConfigException("workers_scripts[" + s.name() + "].settings.bindings[" + binding + "]: a secret text"
                                + " without its text (expected: the store already has it for this script, as after `pier export`"
                                + " from this store, or a text: field in the file)");
                    }
                    bindings.set(i, kept.deepCopy()); // the stored binding as it was: its text is never in a file
                }
            }
            String settings = s.settings().toString();
            if (unchanged(tx, s, settings)) {
                continue; // the same version: its etag and modified date stay
            }
            tx.putWorkerScript(new StoredWorkerScript(s.name(), StoredWorkerScript.etag(s.mainModule(), settings, s.modules()),
                    s.mainModule(), settings, s.migrationTag(), s.classes(), null, null), s.modules(), actor);
        }
    }

    /** Whether the store holds exactly this script already (modules compared by name, type and bytes). */
    private static boolean unchanged(Store tx, Imported s, String settings) {
        StoredWorkerScript stored = tx.workerScript(s.name()).orElse(null);
        if (stored == null || !stored.mainModule().equals(s.mainModule()) || !Json.stored(stored.settingsJson()).equals(Json.stored(settings))
                || !java.util.Objects.equals(stored.migrationTag(), s.migrationTag())
                || !Json.stored(stored.durableObjectClasses()).equals(Json.stored(s.classes()))) {
            return false;
        }
        java.util.Map<String, StoredScriptModule> wanted = new java.util.HashMap<>();
        s.modules().forEach(m -> wanted.put(m.name(), m));
        List<StoredScriptModule> have = tx.workerScriptModules(s.name());
        return have.size() == wanted.size() && have.stream().allMatch(m -> {
            StoredScriptModule w = wanted.get(m.name());
            return w != null && w.contentType().equals(m.contentType()) && java.util.Arrays.equals(w.content(), m.content());
        });
    }

    private static String text(JsonNode node, String at, String field) {
        JsonNode v = node.path(field);
        if (!v.isTextual() || v.textValue().isEmpty()) {
            throw invalid(at + "." + field, v, "text");
        }
        return v.textValue();
    }

    private static ConfigException invalid(String at, JsonNode value, String expected) {
        String shown = value == null || value.isMissingNode() ? "missing" : value.toString();
        if (shown.length() > 80) {
            shown = shown.substring(0, 77) + "...";
        }
        return new ConfigException(at + ": " + shown + " (expected: " + expected + ")");
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
