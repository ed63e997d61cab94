package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.WorkerScript;
import dev.pier.control.store.Ids;
import dev.pier.control.store.Json;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredScriptModule;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredWorkerScript;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code /accounts/{account_id}/workers/scripts}: the account's module Workers in Cloudflare's
 * shapes. {@code PUT} uploads one (multipart: a {@code metadata} part and the modules,
 * {@link ScriptUpload}) with its Durable Object migrations ({@link ScriptMigrations}), checked and
 * stored in one transaction; list, download (the modules as multipart, as Cloudflare's), the main
 * module ({@code /content/v2}), the settings ({@code /settings}: bindings without secret texts,
 * compatibility and limits; {@code PATCH} changes the limits) and delete. The edge runs every stored script ({@code dev.pier.control.StoredZones}).
 */
final class WorkerScriptsApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Cloudflare's code for a script that does not exist. */
    static final int NOT_FOUND = 10007;
    /** Cloudflare's code for a script name it cannot take. */
    static final int BAD_NAME = 10016;
    /** Settings Cloudflare's clients send that concern Cloudflare's platform only: taken and not kept, as in an upload. */
    private static final java.util.Set<String> SETTINGS_IGNORED = java.util.Set.of("logpush", "observability", "placement", "tags",
            "tail_consumers", "usage_model", "annotations");

    private final Store store;

    WorkerScriptsApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Workers scripts");
        String all = "/accounts/{account_id}/workers/scripts";
        String one = all + "/{script_name}";
        routes.add("GET", all, Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_READ).doc("listWorkerScripts", "List the account's Workers")
                .to(c -> list());
        routes.add("PUT", one, Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_WRITE)
                .doc("uploadWorkerScript", "Upload a module Worker: multipart/form-data with a metadata part and its modules").bundle()
                .to(c -> upload(c.request(), c.param("script_name"), c.token()));
        routes.add("GET", one, Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_READ)
                .doc("downloadWorkerScript", "A Worker's modules as multipart/form-data, as uploaded").bare()
                .to(c -> download(c.param("script_name")));
        routes.add("GET", one + "/content/v2", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_READ)
                .doc("getWorkerScriptContent", "A Worker's main module").bare().to(c -> mainModule(c.param("script_name")));
        routes.add("GET", one + "/settings", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_READ)
                .doc("getWorkerScriptSettings", "A Worker's bindings (secret texts hidden) and compatibility settings")
                .to(c -> Envelope.success(settings(find(c.param("script_name")))));
        routes.add("PATCH", one + "/settings", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_WRITE)
                .doc("patchWorkerScriptSettings", "Change a Worker's limits: multipart/form-data with a settings part (JSON), or JSON")
                .to(c -> patchSettings(c.request(), c.param("script_name"), c.token()));
        routes.add("DELETE", one, Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_WRITE).doc("deleteWorkerScript", "Delete a Worker")
                .to(c -> delete(c.param("script_name"), c.token()));
        return routes.list();
    }

    private ApiResponse list() {
        ArrayNode scripts = F.arrayNode();
        store.workerScripts().forEach(s -> scripts.add(json(s)));
        return Envelope.success(scripts);
    }

    private ApiResponse upload(ApiRequest r, String name, StoredToken token) {
        StoredWorkerScript stored = put(store, r, name, token);
        ObjectNode result = json(stored).put("deployment_id", WorkerDeploymentsApi.versionId(stored));
        if (r.param("include_subdomain_availability") != null) {
            result.put("available_on_subdomain", false); // Pier has no workers.dev: routes reach a script
        }
        return Envelope.success(result);
    }

    /**
     * Stores the upload in {@code r}'s body as script {@code name}, its migrations applied in the same
     * transaction (what {@code PUT} and a version upload do).
     */
    static StoredWorkerScript put(Store store, ApiRequest r, String name, StoredToken token) {
        checkName(name);
        ScriptUpload upload = ScriptUpload.read(r, name);
        return store.inTransaction(s -> {
            ScriptMigrations before = s.workerScript(name).map(w -> ScriptMigrations.stored(w.migrationTag(), w.durableObjectClasses()))
                    .orElseGet(() -> ScriptMigrations.stored(null, null));
            ScriptMigrations after = before.apply(upload.migrations(), upload.settings().path("bindings"));
            return s.putWorkerScript(new StoredWorkerScript(name, upload.etag(), upload.mainModule(), upload.settings().toString(),
                    after.tag(), after.classesJson(), null, null), upload.modules(), Credentials.actor(token));
        });
    }

    /**
     * Cloudflare's settings patch: a {@code settings} part of JSON (or a JSON body). Pier changes the script's {@code limits}
     * there (null: Cloudflare's defaults again); the script runs with them on every node within a second, as after an upload.
     */
    private ApiResponse patchSettings(ApiRequest r, String name, StoredToken token) {
        JsonNode patch = settingsPatch(r);
        patch.fieldNames().forEachRemaining(field -> {
            if (!field.equals("limits") && !SETTINGS_IGNORED.contains(field)) {
                throw ScriptUpload.invalid("settings." + field + ": not changed here (expected: limits; upload the script again to "
                        + "change its bindings, compatibility or migrations)");
            }
        });
        ObjectNode limits = ScriptUpload.limits(patch.path("limits"), "settings.limits");
        StoredWorkerScript after = store.inTransaction(s -> {
            StoredWorkerScript before = find(s, name);
            if (!patch.has("limits")) {
                return before;
            }
            ObjectNode settings = (ObjectNode) Json.stored(before.settingsJson());
            if (limits == null) {
                settings.remove("limits");
            } else {
                settings.set("limits", limits);
            }
            String json = settings.toString();
            List<StoredScriptModule> modules = s.workerScriptModules(name);
            return s.putWorkerScript(new StoredWorkerScript(name, StoredWorkerScript.etag(before.mainModule(), json, modules),
                    before.mainModule(), json, before.migrationTag(), before.durableObjectClasses(), null, null), modules,
                    Credentials.actor(token));
        });
        return Envelope.success(settings(after));
    }

    private static JsonNode settingsPatch(ApiRequest r) {
        String type = r.header("content-type");
        byte[] json = r.body();
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
            List<Multipart.Part> parts;
            try {
                parts = Multipart.parse(type, r.body());
            } catch (IllegalArgumentException e) {
                throw ScriptUpload.invalid(e.getMessage());
            }
            json = parts.stream().filter(p -> p.name().equals("settings")).findFirst().map(Multipart.Part::content).orElseThrow(() ->
                    ScriptUpload.invalid("settings: missing (expected: a part named settings holding JSON, e.g. {\"limits\": "
                            + "{\"cpu_ms\": 50}})"));
        }
        try {
            JsonNode node = json == null ? null : Json.MAPPER.readTree(json);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (java.io.IOException e) {
            // refused below
        }
        throw ScriptUpload.invalid("settings: not a JSON object (expected: {\"limits\": {\"cpu_ms\": 50}})");
    }

    private ApiResponse download(String name) {
        find(name);
        String boundary = Ids.newId();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (StoredScriptModule m : store.workerScriptModules(name)) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + m.name() + "\"; filename=\"" + m.name()
                    + "\"\r\nContent-Type: " + m.contentType() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(m.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new ApiResponse(200, "multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    private ApiResponse mainModule(String name) {
        StoredWorkerScript script = find(name);
        StoredScriptModule main = store.workerScriptModules(name).stream().filter(m -> m.name().equals(script.mainModule())).findFirst()
                .orElseThrow(() -> notFound(name));
        return new ApiResponse(200, main.contentType(), main.content());
    }

    private ApiResponse delete(String name, StoredToken token) {
        find(name);
        store.deleteWorkerScript(name, Credentials.actor(token));
        return Envelope.success(F.objectNode().put("id", name));
    }

    static StoredWorkerScript find(Store store, String name) {
        return store.workerScript(name).orElseThrow(() -> notFound(name));
    }

    private StoredWorkerScript find(String name) {
        return store.workerScript(name).orElseThrow(() -> notFound(name));
    }

    static ApiException notFound(String name) {
        return new ApiException(404, new ApiError(NOT_FOUND, "This Worker does not exist on your account: " + name));
    }

    private static void checkName(String name) {
        if (!WorkerScript.NAME.matcher(name).matches()) {
            throw new ApiException(400, new ApiError(BAD_NAME, "script_name: '" + name + "' (expected: lower-case letters, digits, "
                    + "'-' and '_', at most 63, starting with a letter or digit)"));
        }
    }

    /** Cloudflare's script object. */
    static ObjectNode json(StoredWorkerScript s) {
        JsonNode settings = Json.stored(s.settingsJson());
        ObjectNode o = F.objectNode().put("id", s.name()).put("etag", s.etag());
        o.putArray("handlers").add("fetch");
        o.put("created_on", s.createdOn().toString()).put("modified_on", s.modifiedOn().toString())
                .put("usage_model", "standard").put("has_modules", true).put("has_assets", false).put("logpush", false)
                .put("compatibility_date", settings.path("compatibility_date").asText(null));
        o.set("compatibility_flags", settings.path("compatibility_flags"));
        o.put("migration_tag", s.migrationTag());
        o.putNull("tail_consumers");
        o.put("startup_time_ms", 0);
        return o;
    }

    /** Cloudflare's script settings: the bindings, a secret text's value never shown. */
    private static ObjectNode settings(StoredWorkerScript s) {
        JsonNode stored = Json.stored(s.settingsJson());
        ObjectNode o = F.objectNode();
        ArrayNode bindings = o.putArray("bindings");
        for (JsonNode b : stored.path("bindings")) {
            ObjectNode shown = ((ObjectNode) b).deepCopy();
            if (b.path("type").asText().equals("secret_text")) {
                shown.remove("text");
            }
            bindings.add(shown);
        }
        o.put("compatibility_date", stored.path("compatibility_date").asText(null));
        o.set("compatibility_flags", stored.path("compatibility_flags"));
        if (stored.path("limits").isObject()) {
            o.set("limits", stored.get("limits"));
        }
        o.put("usage_model", "standard").put("logpush", false).putNull("tail_consumers").put("migration_tag", s.migrationTag());
        return o;
    }
}
