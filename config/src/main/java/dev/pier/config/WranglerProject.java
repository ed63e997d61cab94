package dev.pier.config;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Wrangler project's configuration file ({@code wrangler.toml}, {@code wrangler.json} or
 * {@code wrangler.jsonc}), read as {@code pier serve} runs it without the API: the Worker
 * ({@code name}, {@code main}, {@code compatibility_date}, {@code vars},
 * {@code durable_objects.bindings}) and its routes ({@code routes} or {@code route}, each a pattern
 * with a {@code zone_name} or {@code zone_id}, or a bare pattern). Keys of Cloudflare's platform
 * that Pier does not run (KV, R2, D1, queues, assets, ...) are refused by name, so a project never
 * runs without something it relies on; {@code migrations} are read by the API, not here (a file's
 * Durable Object classes are its bindings'), and the build keys are Wrangler's own business.
 *
 * @param routes each route's pattern and the zone it names ({@code zone_name}; null when the pattern's host says)
 */
public record WranglerProject(WorkerScript script, List<Route> routes) {

    /** A route of the project: its pattern and the name of its zone, or null to find the zone by the pattern's host. */
    public record Route(String pattern, String zoneName) {
    }

    private static final ObjectMapper TOML = new TomlMapper();
    private static final ObjectMapper JSONC = JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();
    /** The keys Pier reads, and those of Wrangler's that only concern building, Cloudflare's dashboard or its tooling. */
    private static final Set<String> TAKEN = Set.of("name", "main", "compatibility_date", "compatibility_flags", "vars", "durable_objects",
            "routes", "route", "migrations", "workers_dev", "preview_urls", "$schema", "account_id", "minify", "no_bundle", "rules",
            "find_additional_modules", "base_dir", "preserve_file_names", "build", "keep_vars", "send_metrics", "observability",
            "upload_source_maps", "logpush", "placement", "limits", "tsconfig", "define", "alias", "jsx_factory", "jsx_fragment",
            "legacy_env", "usage_model");

    /**
     * The project in {@code file}: TOML for {@code .toml}, JSON with comments and trailing commas otherwise.
     * {@code main} is relative to the file.
     *
     * @throws ConfigException naming the file and the key, with what is expected
     */
    public static WranglerProject read(Path file) {
        JsonNode root;
        try {
            String text = Files.readString(file);
            root = (file.getFileName().toString().endsWith(".toml") ? TOML : JSONC).readTree(text);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read as a Wrangler configuration (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ": expected a Wrangler configuration (name, main, compatibility_date, ...)");
        }
        ConfigNode top = new ConfigNode(root, file.toString());
        root.fieldNames().forEachRemaining(key -> {
            if (!TAKEN.contains(key)) {
                throw top.error(key, "is not run by Pier (expected: name, main, compatibility_date, vars, durable_objects, routes; "
                        + "Pier runs no KV, R2, D1, queues, services, assets or other Cloudflare bindings)");
            }
        });
        String name = top.text("name", null);
        if (name == null || !WorkerScript.NAME.matcher(name).matches()) {
            throw top.error("name", (name == null ? "missing" : "'" + name + "'")
                    + " (expected: lower-case letters, digits, '-' and '_', at most 63)");
        }
        String main = top.text("main", null);
        if (main == null || main.isBlank()) {
            throw top.error("main", "missing (expected: the Worker's main module, relative to this file, e.g. src/index.js)");
        }
        Path mainModule = file.toAbsolutePath().getParent().resolve(main).normalize();
        String date = top.text("compatibility_date", null);
        if (date != null && !WorkerScript.COMPATIBILITY_DATE.matcher(date).matches()) {
            throw top.error("compatibility_date", "'" + date + "' (expected: a date as yyyy-mm-dd)");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        JsonNode v = root.path("vars");
        if (!v.isMissingNode()) {
            if (!v.isObject()) {
                throw top.error("vars", "expected a table of names to values");
            }
            v.fields().forEachRemaining(e -> {
                if (!WorkerScript.BINDING.matcher(e.getKey()).matches()) {
                    throw top.error("vars." + e.getKey(), "(expected: a name of letters, digits and _, starting with a letter)");
                }
                // Cloudflare's vars are text, or JSON for a table or array (Pier's bindings are text: the JSON's text)
                vars.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            });
        }
        Map<String, String> objects = new LinkedHashMap<>();
        ConfigNode durable = top.child("durable_objects");
        if (durable != null) {
            durable.onlyKeys("bindings");
            for (ConfigNode b : durable.list("bindings")) {
                b.onlyKeys("name", "class_name", "script_name");
                String binding = b.text("name", null);
                String className = b.text("class_name", null);
                if (binding == null || !WorkerScript.BINDING.matcher(binding).matches()) {
                    throw b.error("name", (binding == null ? "missing" : "'" + binding + "'")
                            + " (expected: letters, digits and _, starting with a letter, e.g. ROOMS)");
                }
                if (className == null || className.isBlank()) {
                    throw b.error("class_name", "missing (expected: the name of a class the main module exports, e.g. ChatRoom)");
                }
                String script = b.text("script_name", null);
                if (script != null && !script.equals(name)) {
                    throw b.error("script_name", "'" + script + "' (expected: this Worker, " + name
                            + "; Pier binds a Worker's own Durable Object classes only)");
                }
                if (objects.put(binding, className) != null || vars.containsKey(binding)) {
                    throw b.error("name", "'" + binding + "' is bound twice (expected: one binding per name)");
                }
            }
        }
        List<Route> routes = new ArrayList<>();
        if (root.has("route")) {
            routes.add(route(root.get("route"), top, "route"));
        }
        JsonNode r = root.path("routes");
        if (!r.isMissingNode()) {
            if (!r.isArray()) {
                throw top.error("routes", "expected an array of routes");
            }
            for (int i = 0; i < r.size(); i++) {
                routes.add(route(r.get(i), top, "routes[" + i + "]"));
            }
        }
        try {
            ConfigNode limits = top.child("limits");
            WorkerScript script = WorkerScript.javaScript(name, mainModule, date, vars, objects);
            return new WranglerProject(limits == null ? script : script.withLimits(WorkerLimits.of(limits, false)), List.copyOf(routes));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    private static Route route(JsonNode node, ConfigNode top, String at) {
        if (node.isTextual()) {
            return new Route(node.textValue(), null);
        }
        if (!node.isObject() || !node.path("pattern").isTextual()) {
            throw top.error(at, node + " (expected: a pattern, or {pattern, zone_name})");
        }
        if (node.path("custom_domain").asBoolean(false)) {
            throw top.error(at + ".custom_domain", "true (expected: a route; Pier has no custom domains, a zone's route serves it)");
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!Set.of("pattern", "zone_name", "zone_id", "custom_domain").contains(k)) {
                throw top.error(at + "." + k, "(expected: pattern and zone_name)");
            }
        });
        if (node.has("zone_id")) {
            throw top.error(at + ".zone_id", node.get("zone_id") + " (expected: zone_name; a file's zones are known by name)");
        }
        return new Route(node.path("pattern").textValue(), node.path("zone_name").isTextual() ? node.path("zone_name").textValue() : null);
    }
}
