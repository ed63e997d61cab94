package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pier.control.store.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cloudflare's Durable Object migrations on a script: which of its classes are Durable Objects
 * (and whether SQLite-backed), changed by an upload's {@code migrations} in either of Cloudflare's
 * forms, a single step ({@code {old_tag, new_tag, new_classes, new_sqlite_classes, renamed_classes,
 * deleted_classes}}) or {@code {old_tag, new_tag, steps: [...]}}. An upload with migrations applies
 * only when its {@code old_tag} is the script's tag (Cloudflare's 10079 otherwise); one without
 * keeps the tag and the classes. Every {@code durable_object_namespace} binding must name a class
 * that is a Durable Object after the upload (Cloudflare's 10061).
 *
 * @param tag     the script's migration tag after the upload, or null
 * @param classes class name → whether its objects are SQLite-backed, in the order they were made
 */
record ScriptMigrations(String tag, Map<String, Boolean> classes) {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Cloudflare's code for an {@code old_tag} that is not the script's tag. */
    static final int TAG_PRECONDITION = 10079;
    /** Cloudflare's code for a binding to a class no migration made a Durable Object. */
    static final int NOT_A_DURABLE_OBJECT = 10061;

    /** Where a script stands: its tag and its classes as the store keeps them ({@code [{"class_name", "sqlite"}]}). */
    static ScriptMigrations stored(String tag, String classesJson) {
        Map<String, Boolean> classes = new LinkedHashMap<>();
        if (classesJson != null) {
            Json.stored(classesJson).forEach(c -> classes.put(c.path("class_name").asText(), c.path("sqlite").asBoolean()));
        }
        return new ScriptMigrations(tag, classes);
    }

    /** The classes as the store keeps them. */
    String classesJson() {
        ArrayNode out = F.arrayNode();
        classes.forEach((name, sqlite) -> out.addObject().put("class_name", name).put("sqlite", sqlite));
        return out.toString();
    }

    /**
     * This state after an upload's {@code migrations} (null: none), checked against its bindings.
     *
     * @throws ApiException 10079 for an old_tag that is not this tag, 10021 for a step that does not apply, 10061 for a
     *                      binding to a class that is not a Durable Object after it
     */
    ScriptMigrations apply(JsonNode migrations, JsonNode bindings) {
        ScriptMigrations after = migrations == null ? this : migrated(migrations);
        for (JsonNode b : bindings) {
            if (b.path("type").asText().equals("durable_object_namespace") && !after.classes.containsKey(b.path("class_name").asText())) {
                throw new ApiException(400, new ApiError(NOT_A_DURABLE_OBJECT, "Cannot create binding for class '"
                        + b.path("class_name").asText() + "' that is not currently configured to implement Durable Objects (expected: "
                        + "a migration with new_classes or new_sqlite_classes naming it"
                        + (after.classes.isEmpty() ? "" : ", or one of " + after.classes.keySet()) + ")"));
            }
        }
        return after;
    }

    private ScriptMigrations migrated(JsonNode m) {
        if (!m.isObject()) {
            throw ScriptUpload.invalid("metadata.migrations: " + m + " (expected: an object with old_tag, new_tag and the steps)");
        }
        String oldTag = tagField(m, "old_tag");
        String newTag = tagField(m, "new_tag");
        if (!Objects.equals(oldTag, tag)) {
            throw new ApiException(400, new ApiError(TAG_PRECONDITION, "Migration tag precondition failed; current tag is "
                    + (tag == null ? "none" : tag) + " (expected: old_tag " + (tag == null ? "absent" : "'" + tag + "'") + ", got "
                    + (oldTag == null ? "none" : "'" + oldTag + "'") + ")"));
        }
        List<JsonNode> steps = new ArrayList<>();
        if (m.has("steps")) {
            if (!m.get("steps").isArray()) {
                throw ScriptUpload.invalid("metadata.migrations.steps: " + m.get("steps") + " (expected: an array of migration steps)");
            }
            m.get("steps").forEach(steps::add);
        } else {
            steps.add(m);
        }
        Map<String, Boolean> classes = new LinkedHashMap<>(this.classes);
        for (int i = 0; i < steps.size(); i++) {
            step(steps.get(i), m.has("steps") ? "metadata.migrations.steps[" + i + "]" : "metadata.migrations", classes);
        }
        return new ScriptMigrations(newTag == null ? tag : newTag, classes);
    }

    private static void step(JsonNode step, String at, Map<String, Boolean> classes) {
        step.fieldNames().forEachRemaining(field -> {
            if (!List.of("old_tag", "new_tag", "steps", "new_classes", "new_sqlite_classes", "renamed_classes", "deleted_classes")
                    .contains(field)) {
                throw ScriptUpload.invalid(at + "." + field + ": not taken (expected: new_classes, new_sqlite_classes, renamed_classes, "
                        + "deleted_classes; Pier moves no class between scripts)");
            }
        });
        for (String name : names(step, "new_classes", at)) {
            add(classes, name, false, at + ".new_classes");
        }
        for (String name : names(step, "new_sqlite_classes", at)) {
            add(classes, name, true, at + ".new_sqlite_classes");
        }
        JsonNode renamed = step.path("renamed_classes");
        if (!renamed.isMissingNode() && !renamed.isNull()) {
            if (!renamed.isArray()) {
                throw ScriptUpload.invalid(at + ".renamed_classes: " + renamed + " (expected: an array of {from, to})");
            }
            for (JsonNode r : renamed) {
                String from = r.path("from").asText("");
                String to = r.path("to").asText("");
                if (!classes.containsKey(from)) {
                    throw ScriptUpload.invalid(at + ".renamed_classes: from '" + from + "' (expected: a Durable Object class of the "
                            + "script, one of " + classes.keySet() + ")");
                }
                if (to.isEmpty() || classes.containsKey(to)) {
                    throw ScriptUpload.invalid(at + ".renamed_classes: to '" + to + "' (expected: a class name the script has no "
                            + "Durable Object of)");
                }
                classes.put(to, classes.remove(from));
            }
        }
        for (String name : names(step, "deleted_classes", at)) {
            if (classes.remove(name) == null) {
                throw ScriptUpload.invalid(at + ".deleted_classes: '" + name + "' (expected: a Durable Object class of the script, "
                        + "one of " + classes.keySet() + ")");
            }
        }
    }

    private static void add(Map<String, Boolean> classes, String name, boolean sqlite, String at) {
        if (classes.containsKey(name)) {
            throw ScriptUpload.invalid(at + ": '" + name + "' is a Durable Object class already (expected: a class no migration has "
                    + "made one)");
        }
        classes.put(name, sqlite);
    }

    private static List<String> names(JsonNode step, String field, String at) {
        JsonNode v = step.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(n -> out.add(n.isTextual() && !n.textValue().isEmpty() ? n.textValue() : null));
        }
        if (!v.isArray() || out.contains(null)) {
            throw ScriptUpload.invalid(at + "." + field + ": " + v + " (expected: an array of class names)");
        }
        return out;
    }

    private static String tagField(JsonNode m, String field) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.textValue().isEmpty() || v.textValue().length() > 100) {
            throw ScriptUpload.invalid("metadata.migrations." + field + ": " + v + " (expected: a tag, text of 1 to 100 characters)");
        }
        return v.textValue();
    }
}
