package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredWorkerScript;
import java.util.List;
import java.util.UUID;

/**
 * What Cloudflare's deploying tools (Wrangler) call around a script upload, in Cloudflare's shapes:
 * the script's service ({@code /workers/services/{name}}: does it exist, its tag), versions and
 * deployments, its non-versioned settings, and its workers.dev subdomain. Pier keeps one version of a
 * script, the live one: an uploaded version is live at once, and a deployment may only send all
 * traffic to it (there are no gradual deployments). Pier has no workers.dev: a script is reached
 * through routes, and turning workers.dev on is refused, saying so.
 */
final class WorkerDeploymentsApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Store store;

    WorkerDeploymentsApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Workers deployments");
        String script = "/accounts/{account_id}/workers/scripts/{script_name}";
        routes.add("GET", "/accounts/{account_id}/workers/services/{script_name}", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_READ)
                .doc("getWorkerService", "A Worker's service: its default environment and script").to(c -> service(c.param("script_name")));
        routes.add("POST", script + "/versions", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_WRITE)
                .doc("uploadWorkerVersion", "Upload a version of a Worker (multipart, as the script upload); it is live at once").bundle()
                .to(c -> version(WorkerScriptsApi.put(store, c.request(), c.param("script_name"), c.token())));
        routes.add("GET", script + "/deployments", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_READ)
                .doc("listWorkerDeployments", "A Worker's deployment: all traffic to its one version")
                .to(c -> deployments(WorkerScriptsApi.find(store, c.param("script_name"))));
        routes.add("POST", script + "/deployments", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_WRITE)
                .doc("createWorkerDeployment", "Deploy a Worker's version: 100% to its latest")
                .body("WorkerDeployment").to(c -> deploy(c.request(), WorkerScriptsApi.find(store, c.param("script_name"))));
        routes.add("PATCH", script + "/script-settings", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_WRITE)
                .doc("patchWorkerNonVersionedSettings", "A Worker's non-versioned settings (logpush, tail consumers, observability, tags): taken, "
                        + "none applies on Pier").body("WorkerScriptSettings").to(c -> scriptSettings(c.request(), c.param("script_name")));
        routes.add("GET", script + "/subdomain", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_READ)
                .doc("getWorkerSubdomain", "Whether the Worker is on workers.dev: never on Pier").to(c -> {
                    WorkerScriptsApi.find(store, c.param("script_name"));
                    return Envelope.success(subdomain());
                });
        routes.add("POST", script + "/subdomain", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_WRITE)
                .doc("setWorkerSubdomain", "Keep the Worker off workers.dev (the only choice on Pier)").body("WorkerSubdomain")
                .to(c -> setSubdomain(c.request(), c.param("script_name")));
        routes.add("GET", "/accounts/{account_id}/workers/subdomain", Route.Access.ACCOUNT, Permission.WORKERS_SCRIPTS_READ)
                .doc("getAccountWorkersSubdomain", "The account's workers.dev subdomain: Pier has none").to(c -> {
                    throw new ApiException(404, new ApiError(WorkerScriptsApi.NOT_FOUND, NO_WORKERS_DEV));
                });
        return routes.list();
    }

    static final String NO_WORKERS_DEV = "Pier has no workers.dev subdomain (expected: workers_dev = false, and routes to reach the "
            + "Worker)";

    private ApiResponse service(String name) {
        StoredWorkerScript s = WorkerScriptsApi.find(store, name);
        ObjectNode o = F.objectNode().put("id", s.name()).put("created_on", s.createdOn().toString())
                .put("modified_on", s.modifiedOn().toString());
        ObjectNode environment = o.putObject("default_environment").put("environment", "production")
                .put("created_on", s.createdOn().toString()).put("modified_on", s.modifiedOn().toString());
        ObjectNode script = WorkerScriptsApi.json(s);
        script.put("tag", versionId(s).replace("-", "")).put("last_deployed_from", "wrangler");
        script.putArray("tags");
        environment.set("script", script);
        return Envelope.success(o);
    }

    /** A version's id: the script's etag as a UUID, so the same code and settings are the same version. */
    static String versionId(StoredWorkerScript s) {
        String h = s.etag();
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-"
                + h.substring(20, 32);
    }

    private static ApiResponse version(StoredWorkerScript s) {
        ObjectNode o = F.objectNode().put("id", versionId(s)).put("number", 1).put("startup_time_ms", 0);
        o.putObject("metadata").put("created_on", s.modifiedOn().toString()).put("source", "wrangler");
        ObjectNode resources = o.putObject("resources");
        resources.putObject("script").put("etag", s.etag()).putArray("handlers").add("fetch");
        return Envelope.success(o);
    }

    private static ObjectNode deployment(StoredWorkerScript s) {
        ObjectNode o = F.objectNode().put("id", UUID.nameUUIDFromBytes(s.etag().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString()).put("source", "wrangler").put("strategy", "percentage").put("created_on", s.modifiedOn().toString());
        o.putArray("versions").addObject().put("version_id", versionId(s)).put("percentage", 100.0);
        return o;
    }

    private static ApiResponse deployments(StoredWorkerScript s) {
        ObjectNode o = F.objectNode();
        o.putArray("deployments").add(deployment(s));
        return Envelope.success(o);
    }

    private static ApiResponse deploy(ApiRequest r, StoredWorkerScript s) {
        JsonNode body = RequestJson.object(r);
        JsonNode versions = body.path("versions");
        String live = versionId(s);
        if (!versions.isArray() || versions.size() != 1 || !versions.get(0).path("version_id").asText().equals(live)
                || versions.get(0).path("percentage").asDouble() != 100.0) {
            throw ScriptUpload.invalid("versions: " + versions + " (expected: [{version_id: " + live
                    + ", percentage: 100}]: Pier runs a script's latest version, all of its traffic)");
        }
        return Envelope.success(deployment(s));
    }

    private ApiResponse scriptSettings(ApiRequest r, String name) {
        StoredWorkerScript s = WorkerScriptsApi.find(store, name);
        JsonNode body = RequestJson.object(r);
        body.fieldNames().forEachRemaining(field -> {
            if (!List.of("logpush", "tail_consumers", "observability", "tags").contains(field)) {
                throw ScriptUpload.invalid(field + ": not a script setting (expected: logpush, tail_consumers, observability or tags)");
            }
        });
        ObjectNode o = F.objectNode().put("logpush", false).putNull("tail_consumers");
        o.putObject("observability").put("enabled", false);
        ArrayNode tags = o.putArray("tags");
        body.path("tags").forEach(tags::add);
        return Envelope.success(o.put("id", s.name()));
    }

    private static ObjectNode subdomain() {
        return F.objectNode().put("enabled", false).put("previews_enabled", false);
    }

    private ApiResponse setSubdomain(ApiRequest r, String name) {
        WorkerScriptsApi.find(store, name);
        JsonNode body = RequestJson.object(r);
        if (body.path("enabled").asBoolean(false) || body.path("previews_enabled").asBoolean(false)) {
            throw ScriptUpload.invalid("enabled: " + body.path("enabled") + ", previews_enabled: " + body.path("previews_enabled")
                    + " (expected: false; " + NO_WORKERS_DEV + ")");
        }
        return Envelope.success(subdomain());
    }
}
