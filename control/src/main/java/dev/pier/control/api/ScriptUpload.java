package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.WorkerScript;
import dev.pier.control.ScriptLimits;
import dev.pier.control.store.Json;
import dev.pier.control.store.StoredScriptModule;
import dev.pier.control.store.StoredWorkerScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A script upload in Cloudflare's shape ({@code PUT /accounts/{account_id}/workers/scripts/{script_name}},
 * multipart/form-data), read and checked: the {@code metadata} part (main_module, bindings,
 * compatibility_date, compatibility_flags, limits, migrations) and the module parts. Every problem is
 * Cloudflare's 10021 naming the field and what is expected (a CPU time limit out of range is
 * Cloudflare's 100328); nothing is stored until all is well.
 *
 * @param settings   {@code {"compatibility_date", "compatibility_flags", "bindings", "limits"}}: what the store keeps and the
 *                   edge runs ({@code limits} only when the metadata has them)
 * @param migrations the metadata's {@code migrations}, or null when it has none
 */
record ScriptUpload(String mainModule, ObjectNode settings, JsonNode migrations, List<StoredScriptModule> modules) {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Cloudflare's code for an upload its Workers API cannot take. */
    static final int INVALID = 10021;
    /** Cloudflare's code for a CPU time limit it does not take. */
    static final int CPU_LIMIT = 100328;
    /** The module types Pier runs: ES modules, text, data and JSON modules. */
    static final Set<String> MODULE_TYPES = Set.of("application/javascript+module", "text/javascript+module", "text/plain",
            "application/octet-stream", "application/json");
    /**
     * A module's name: a relative path of plain segments, never leaving the script's folder, perhaps
     * after a leading {@code ./} (as Wrangler names the modules the main module imports).
     */
    private static final Pattern MODULE_NAME = Pattern.compile("(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9._@+-][A-Za-z0-9._@+/-]{0,255}");
    /** Metadata fields Wrangler and Cloudflare's clients send that concern Cloudflare's platform only; taken and not kept. */
    private static final Set<String> IGNORED = Set.of("usage_model", "logpush", "placement", "tail_consumers", "observability",
            "keep_bindings", "keep_assets", "annotations", "tags", "body_part", "streaming_tail_consumers");
    private static final Set<String> KEPT = Set.of("main_module", "bindings", "compatibility_date", "compatibility_flags", "limits",
            "migrations");

    /**
     * The upload in {@code request}'s body.
     *
     * @throws ApiException 400 with 10021 for anything Pier cannot run as it is sent
     */
    static ScriptUpload read(ApiRequest request, String scriptName) {
        List<Multipart.Part> parts;
        try {
            parts = Multipart.parse(request.header("content-type"), request.body());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        JsonNode metadata = null;
        List<StoredScriptModule> modules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Multipart.Part part : parts) {
            if (part.name().equals("metadata")) {
                metadata = metadata(part);
                continue;
            }
            if (!MODULE_NAME.matcher(part.name().startsWith("./") ? part.name().substring(2) : part.name()).matches()) {
                throw invalid("module '" + part.name() + "': (expected: a relative path of letters, digits, '.', '_', '-', '@', '+' "
                        + "and '/', without '.' or '..' segments but a leading ./, at most 256 characters)");
            }
            String type = part.contentType() == null ? null : part.contentType().split(";")[0].trim();
            if (type == null || !MODULE_TYPES.contains(type)) {
                throw invalid("module '" + part.name() + "': Content-Type " + (type == null ? "missing" : "'" + type + "'")
                        + " (expected: one of " + new java.util.TreeSet<>(MODULE_TYPES) + ")");
            }
            if (!names.add(part.name())) {
                throw invalid("module '" + part.name() + "': sent twice (expected: one part per module)");
            }
            modules.add(new StoredScriptModule(part.name(), type, part.content()));
        }
        if (metadata == null) {
            throw invalid("metadata: missing (expected: a part named metadata holding the script's JSON metadata, with main_module)");
        }
        metadata.fieldNames().forEachRemaining(field -> {
            if (!KEPT.contains(field) && !IGNORED.contains(field)) {
                throw invalid("metadata." + field + ": not taken (expected: main_module, bindings, compatibility_date, "
                        + "compatibility_flags, limits, migrations; Pier runs module Workers without Cloudflare's platform features)");
            }
        });
        String main = text(metadata, "main_module", "the name of the part holding the main module, e.g. index.js");
        if (main == null) {
            throw invalid("metadata.main_module: missing (expected: the name of the part holding the main module; Pier runs module "
                    + "Workers, not service-worker scripts)");
        }
        StoredScriptModule mainModule = modules.stream().filter(m -> m.name().equals(main)).findFirst().orElseThrow(() ->
                invalid("metadata.main_module: '" + main + "' (expected: the name of an uploaded part; the parts are "
                        + modules.stream().map(StoredScriptModule::name).toList() + ")"));
        if (!mainModule.contentType().endsWith("javascript+module")) {
            throw invalid("module '" + main + "': Content-Type '" + mainModule.contentType()
                    + "' (expected: application/javascript+module for the main module)");
        }
        ObjectNode settings = F.objectNode();
        String date = text(metadata, "compatibility_date", "a date as yyyy-mm-dd");
        if (date != null && !WorkerScript.COMPATIBILITY_DATE.matcher(date).matches()) {
            throw invalid("metadata.compatibility_date: '" + date + "' (expected: a date as yyyy-mm-dd)");
        }
        settings.put("compatibility_date", date);
        ArrayNode flags = settings.putArray("compatibility_flags");
        JsonNode f = metadata.path("compatibility_flags");
        if (!f.isMissingNode() && !f.isNull()) {
            if (!f.isArray()) {
                throw invalid("metadata.compatibility_flags: " + f + " (expected: an array of flag names)");
            }
            f.forEach(flag -> {
                if (!flag.isTextual()) {
                    throw invalid("metadata.compatibility_flags: " + flag + " (expected: a flag's name as text)");
                }
                flags.add(flag.textValue());
            });
        }
        settings.set("bindings", bindings(metadata.path("bindings"), scriptName));
        ObjectNode limits = limits(metadata.path("limits"), "metadata.limits");
        if (limits != null) {
            settings.set("limits", limits);
        }
        JsonNode migrations = metadata.path("migrations");
        return new ScriptUpload(main, settings, migrations.isMissingNode() || migrations.isNull() ? null : migrations, List.copyOf(modules));
    }

    /** The etag of a script: the SHA-256 of its settings and modules. */
    String etag() {
        return StoredWorkerScript.etag(mainModule, settings.toString(), modules);
    }

    private static JsonNode metadata(Multipart.Part part) {
        try {
            JsonNode node = Json.MAPPER.readTree(part.content());
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // refused below
        }
        throw invalid("metadata: not a JSON object (expected: {\"main_module\": \"index.js\", \"bindings\": [...], ...})");
    }

    /** The bindings Pier runs: plain_text, secret_text and durable_object_namespace, each name once. */
    private static ArrayNode bindings(JsonNode bindings, String scriptName) {
        ArrayNode out = F.arrayNode();
        if (bindings.isMissingNode() || bindings.isNull()) {
            return out;
        }
        if (!bindings.isArray()) {
            throw invalid("metadata.bindings: " + bindings + " (expected: an array of bindings)");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < bindings.size(); i++) {
            JsonNode b = bindings.get(i);
            String at = "metadata.bindings[" + i + "]";
            if (!b.isObject()) {
                throw invalid(at + ": " + b + " (expected: an object with type and name)");
            }
            String type = text(b, "type", "a binding type", at);
            String name = text(b, "name", "the name the code reads it as", at);
            if (name == null || !WorkerScript.BINDING.matcher(name).matches()) {
                throw invalid(at + ".name: " + (name == null ? "missing" : "'" + name + "'")
                        + " (expected: letters, digits and _, starting with a letter, at most 64)");
            }
            if (!names.add(name)) {
                throw invalid(at + ".name: '" + name + "' is bound twice (expected: one binding per name)");
            }
            ObjectNode kept = F.objectNode().put("type", type).put("name", name);
            switch (type == null ? "" : type) {
                case "plain_text", "secret_text" -> {
                    String value = text(b, "text", "the binding's text", at);
                    if (value == null) {
                        throw invalid(at + ".text: missing (expected: the binding's text)");
                    }
                    kept.put("text", value);
                }
                case "durable_object_namespace" -> {
                    String className = text(b, "class_name", "the name of an exported Durable Object class", at);
                    if (className == null || className.isEmpty()) {
                        throw invalid(at + ".class_name: missing (expected: the name of a Durable Object class the script exports)");
                    }
                    String script = text(b, "script_name", "a script's name", at);
                    if (script != null && !script.equals(scriptName)) {
                        throw invalid(at + ".script_name: '" + script + "' (expected: this script, " + scriptName
                                + "; Pier binds a script's own Durable Object classes only)");
                    }
                    if (b.hasNonNull("environment")) {
                        throw invalid(at + ".environment: " + b.get("environment") + " (expected: none; Pier has no environments)");
                    }
                    kept.put("class_name", className);
                }
                default -> throw invalid(at + ".type: " + (type == null ? "missing" : "'" + type + "'")
                        + " (expected: plain_text, secret_text or durable_object_namespace; Pier runs no other bindings)");
            }
            out.add(kept);
        }
        return out;
    }

    /** {@code limits} checked ({@link ScriptLimits}), as kept; null for none. */
    static ObjectNode limits(JsonNode limits, String at) {
        ScriptLimits.Problem problem = ScriptLimits.problem(limits, at);
        if (problem != null) {
            throw new ApiException(400, new ApiError(problem.cpu() ? CPU_LIMIT : INVALID, problem.message()));
        }
        return ScriptLimits.kept(limits);
    }

    private static String text(JsonNode node, String field, String expected) {
        return text(node, field, expected, "metadata");
    }

    private static String text(JsonNode node, String field, String expected, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(at + "." + field + ": " + v + " (expected: " + expected + ")");
        }
        return v.textValue();
    }

    static ApiException invalid(String message) {
        return new ApiException(400, new ApiError(INVALID, message));
    }
}
