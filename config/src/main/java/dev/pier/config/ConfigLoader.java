package dev.pier.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.config.ruleset.RulesetReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a YAML configuration file into a validated {@link PierConfig}. Every error names the
 * key it is about ({@code zones[0].dns_records[1].type: 'AAA' (expected: A, AAAA or CNAME)}),
 * and unknown keys are errors so that a typo never silently falls back to a default.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    /** Loads a file; relative paths in it (the request log) resolve against its folder. */
    public static PierConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        Path base = file.toAbsolutePath().getParent();
        try {
            return parse(text, base);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; relative paths resolve against {@code base}. */
    public static PierConfig parse(String yaml, Path base) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("the file is empty (expected: at least one listener and one zone)");
        }
        ConfigNode top = new ConfigNode(root, "");
        top.onlyKeys("listeners", "admin", "request_log", "timeouts", "zones", "tls", "waf", "lists", "workers", "durable_objects",
                "analytics");

        List<ListenerConfig> listeners = new ArrayList<>();
        for (ConfigNode l : top.list("listeners")) {
            l.onlyKeys("address", "tls");
            listeners.add(l.address("address").withTls(l.onOff("tls", false)));
        }
        TlsConfig tls = TlsConfig.NONE;
        ConfigNode t0 = top.child("tls");
        if (t0 != null) {
            t0.onlyKeys("default_certificate", "unknown_sni");
            CertificateFiles fallback = t0.child("default_certificate") == null ? null
                    : certificate(t0.child("default_certificate"), base);
            String unknown = t0.text("unknown_sni", fallback == null ? "reject" : "default");
            if (!unknown.equals("reject") && !unknown.equals("default")) {
                throw t0.error("unknown_sni", "'" + unknown + "' (expected: default or reject)");
            }
            if (unknown.equals("default") && fallback == null) {
                throw t0.error("unknown_sni", "default, but there is no default_certificate");
            }
            tls = new TlsConfig(fallback, unknown.equals("reject"));
        }
        if (listeners.isEmpty()) {
            throw new ConfigException("listeners: empty (expected: at least one, e.g. - address: 127.0.0.1:8080)");
        }
        AdminConfig admin = top.child("admin") == null ? null : admin(top.child("admin"), base);
        String log = top.text("request_log", "-");
        Path requestLog = log.equals("-") ? null : base.resolve(log).normalize();

        Timeouts timeouts = Timeouts.DEFAULTS;
        ConfigNode t = top.child("timeouts");
        if (t != null) {
            t.onlyKeys("origin_connect", "origin_response", "close_grace", "request_head", "shutdown_grace", "upgrade_drain");
            timeouts = new Timeouts(
                    t.duration("origin_connect", timeouts.originConnect()),
                    t.duration("origin_response", timeouts.originResponse()),
                    t.duration("close_grace", timeouts.closeGrace()),
                    t.duration("request_head", timeouts.requestHead()),
                    t.duration("shutdown_grace", timeouts.shutdownGrace()),
                    t.duration("upgrade_drain", timeouts.upgradeDrain()));
        }

        List<Zone> zones = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> recordNames = new HashSet<>();
        for (ConfigNode z : top.list("zones")) {
            Zone zone = zone(z, base);
            if (!names.add(zone.name())) {
                throw z.error("name", "'" + zone.name() + "' appears twice (expected: one entry per zone)");
            }
            for (DnsRecord r : zone.dnsRecords()) {
                if (!recordNames.add(r.name())) {
                    throw z.error("dns_records", "'" + r.name() + "' is routed twice (expected: one proxied record per name)");
                }
            }
            zones.add(zone);
        }
        ZoneNames zoneNames = ZoneNames.of(names);
        for (int i = 0; i < zones.size(); i++) {
            for (DnsRecord r : zones.get(i).dnsRecords()) {
                if (zoneNames.ownedByAnother(zones.get(i).name(), r.name())) {
                    throw top.list("zones").get(i).error("dns_records", "'" + r.name() + "' belongs to zone "
                            + zoneNames.owner(r.name()) + " (expected: the record in that zone; the most specific zone serves a name)");
                }
            }
        }
        if (listeners.stream().anyMatch(ListenerConfig::tls) && tls.defaultCertificate() == null
                && zones.stream().allMatch(z -> z.certificates().isEmpty())) {
            throw new ConfigException("listeners: a TLS listener needs certificates (expected: zones[].certificates or tls.default_certificate)");
        }
        List<WranglerProject> projects = new ArrayList<>();
        List<WorkerScript> workers = workers(top, base, projects);
        zones = withWranglerRoutes(zones, projects);
        Set<String> scripts = new java.util.TreeSet<>();
        workers.forEach(w -> scripts.add(w.name()));
        for (ConfigNode z : top.list("zones")) {
            for (ConfigNode route : z.list("workers_routes")) {
                String script = route.text("script", null);
                if (!scripts.contains(script)) {
                    throw route.error("script", "'" + script + "' is not a worker (expected: "
                            + (scripts.isEmpty() ? "a worker under workers:, and there are none" : "one of " + scripts) + ")");
                }
            }
        }
        return new PierConfig(listeners, admin, requestLog, timeouts, zones, tls, waf(top.child("waf")), lists(top.child("lists")),
                workers, durableObjects(top.child("durable_objects"), base), analytics(top.child("analytics"), base));
    }

    /**
     * {@code analytics}: {@code store}, a DuckDB file relative to the file (default
     * {@code analytics.duckdb}), a PostgreSQL JDBC address, or {@code off}; {@code spool}, where records
     * wait while the store is away; {@code retention} by level, and per zone under {@code zones}.
     * Without the block analytics are off.
     */
    private static AnalyticsConfig analytics(ConfigNode a, Path base) {
        if (a == null) {
            return AnalyticsConfig.OFF;
        }
        a.onlyKeys("store", "spool", "retention");
        ConfigNode storeNode = a.child("store");
        if (storeNode != null && storeNode.raw().isBoolean() && !storeNode.raw().booleanValue()) {
            return AnalyticsConfig.OFF; // YAML reads a bare off as false
        }
        String store = a.text("store", "analytics.duckdb");
        if (store.equals("off")) {
            return AnalyticsConfig.OFF;
        }
        Path spool = base.resolve(a.text("spool", "analytics-spool")).normalize();
        ConfigNode r = a.child("retention");
        AnalyticsConfig.Retention retention = retention(r, AnalyticsConfig.Retention.DEFAULT);
        java.util.Map<String, AnalyticsConfig.Retention> perZone = new java.util.TreeMap<>();
        if (r != null && r.child("zones") != null) {
            ConfigNode zones = r.child("zones");
            for (Iterator<String> it = zones.raw().fieldNames(); it.hasNext(); ) {
                String zone = it.next();
                ConfigNode z = zones.child(zone);
                perZone.put(zone, retention(z, retention));
            }
        }
        if (store.startsWith("jdbc:")) {
            if (!store.startsWith("jdbc:postgresql://")) {
                throw a.error("store", "'" + store + "' (expected: a DuckDB file, jdbc:postgresql://HOST:PORT/DB?user=NAME, or off)");
            }
            return new AnalyticsConfig(null, store, spool, retention, perZone);
        }
        return new AnalyticsConfig(base.resolve(store).normalize(), null, spool, retention, perZone);
    }

    /** One retention: each level's duration, those not given as in {@code fallback}; {@code day: off} keeps days for ever. */
    private static AnalyticsConfig.Retention retention(ConfigNode r, AnalyticsConfig.Retention fallback) {
        if (r == null) {
            return fallback;
        }
        r.onlyKeys("raw", "minute", "hour", "day", "zones");
        Duration raw = r.duration("raw", fallback.raw());
        Duration minute = r.duration("minute", fallback.minute());
        Duration hour = r.duration("hour", fallback.hour());
        Duration day = r.child("day") == null ? fallback.day() : r.offOrDuration("day");
        if (raw.toMinutes() < 60 * 24 || minute.compareTo(raw) < 0 || hour.compareTo(minute) < 0 || (day != null && day.compareTo(hour) < 0)) {
            throw new ConfigException(r.path() + ": raw " + raw.toDays() + "d, minute " + minute.toDays() + "d, hour " + hour.toDays()
                    + "d, day " + (day == null ? "off" : day.toDays() + "d")
                    + " (expected: raw at least 1d, and each level kept at least as long as the one before)");
        }
        return new AnalyticsConfig.Retention(raw, minute, hour, day);
    }

    /**
     * {@code durable_objects}: {@code storage}, a directory relative to the file (one SQLite database
     * per object) or a PostgreSQL JDBC address; {@code hibernate_after}, how long an idle object stays in memory;
     * with PostgreSQL, {@code node_address} and {@code node_secret_file}, where the other nodes reach this one and
     * the secret they present, and {@code lease}, how long a node holds an object it does not renew;
     * {@code code_update_max_delay}, how long an object that cannot hibernate keeps its code after a deploy.
     */
    private static DurableObjectsConfig durableObjects(ConfigNode d, Path base) {
        if (d == null) {
            return DurableObjectsConfig.in(base.resolve("durable-objects").normalize());
        }
        d.onlyKeys("storage", "hibernate_after", "node_address", "node_secret_file", "lease", "code_update_max_delay");
        String storage = d.text("storage", "durable-objects");
        Duration hibernateAfter = d.duration("hibernate_after", DurableObjectsConfig.DEFAULT_HIBERNATE_AFTER);
        boolean postgres = storage.startsWith("jdbc:");
        if (postgres && !storage.startsWith("jdbc:postgresql://")) {
            throw d.error("storage", "'" + storage + "' (expected: a directory, or jdbc:postgresql://HOST:PORT/DB?user=NAME)");
        }
        for (String shared : List.of("node_address", "node_secret_file", "lease")) {
            if (!postgres && d.child(shared) != null) {
                throw d.error(shared, "set, but the storage is a directory (expected: only with a PostgreSQL storage, which several nodes share)");
            }
        }
        String address = d.text("node_address", null);
        String secretFile = d.text("node_secret_file", null);
        if ((address == null) != (secretFile == null)) {
            throw d.error(address == null ? "node_address" : "node_secret_file", "missing (expected: node_address and "
                    + "node_secret_file together: where the other nodes reach this one, and the secret they present)");
        }
        Duration lease = d.duration("lease", DurableObjectsConfig.DEFAULT_LEASE);
        Duration codeUpdate = codeUpdateMaxDelay(d);
        if (!postgres) {
            return new DurableObjectsConfig(base.resolve(storage).normalize(), null, hibernateAfter, null, null,
                    DurableObjectsConfig.DEFAULT_LEASE, codeUpdate);
        }
        if (address == null) {
            return new DurableObjectsConfig(null, storage, hibernateAfter, null, null, lease, codeUpdate);
        }
        return new DurableObjectsConfig(null, storage, hibernateAfter, nodeAddress(d, address), nodeSecret(d, base.resolve(secretFile).normalize()),
                lease, codeUpdate);
    }

    /** {@code code_update_max_delay}: a duration from 0s (reset at once) to 24h, as Cloudflare's {@code max_delay}. */
    private static Duration codeUpdateMaxDelay(ConfigNode d) {
        if (d.child("code_update_max_delay") == null) {
            return DurableObjectsConfig.DEFAULT_CODE_UPDATE_MAX_DELAY;
        }
        String text = d.text("code_update_max_delay", null);
        Duration delay = text != null && text.strip().matches("0+(ms|s|m|h|d)?") ? Duration.ZERO : d.duration("code_update_max_delay", null);
        if (delay.compareTo(DurableObjectsConfig.LONGEST_CODE_UPDATE_MAX_DELAY) > 0) {
            throw d.error("code_update_max_delay", "'" + text + "' (expected: 0s to 24h, as Cloudflare's max_delay)");
        }
        return delay;
    }

    /** {@code node_address}: {@code HOST:PORT} (plain HTTP) or an {@code http://} or {@code https://} URL with no path, as a base URL. */
    private static String nodeAddress(ConfigNode d, String address) {
        String url = address.contains("://") ? address : "http://" + address;
        java.net.URI uri;
        try {
            uri = new java.net.URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getPort() < 1 || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            throw d.error("node_address", "'" + address + "' (expected: the HOST:PORT of this node's listener that the other nodes reach,"
                    + " e.g. 10.0.0.5:8080, or https://HOST:PORT for a TLS listener)");
        }
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static NodeSecret nodeSecret(ConfigNode d, Path file) {
        String secret;
        try {
            secret = Files.readString(file).strip();
        } catch (IOException e) {
            throw d.error("node_secret_file", file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String problem = NodeSecret.problem(secret);
        if (problem != null) {
            throw d.error("node_secret_file", file + ": " + problem);
        }
        return new NodeSecret(secret);
    }

    /** A Java class name. */
    private static final String CLASS_NAME = "[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*";

    /** A JavaScript identifier as a class name: what a module exports a Durable Object class as. */
    private static final String JS_CLASS_NAME = "[\\p{L}_$][\\p{L}\\p{N}_$]*";

    /**
     * {@code workers}: each a name, its code (the class that implements it and the jar it is in, or
     * a JavaScript main module relative to this file and its compatibility date), its vars and
     * Durable Object bindings.
     */
    private static List<WorkerScript> workers(ConfigNode top, Path base, List<WranglerProject> projects) {
        List<WorkerScript> workers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode w : top.list("workers")) {
            if (w.raw().has("wrangler")) {
                w.onlyKeys("wrangler");
                String path = w.text("wrangler", null);
                if (path == null || path.isBlank()) {
                    throw w.error("wrangler", "missing (expected: a Wrangler project's wrangler.toml or wrangler.jsonc, relative to this "
                            + "file)");
                }
                WranglerProject project = WranglerProject.read(base.resolve(path).normalize());
                if (!names.add(project.script().name())) {
                    throw w.error("wrangler", "'" + path + "' names Worker " + project.script().name()
                            + ", which appears twice (expected: one entry per worker)");
                }
                projects.add(project);
                workers.add(project.script());
                continue;
            }
            w.onlyKeys("name", "class", "jar", "main_module", "compatibility_date", "vars", "durable_objects", "wrangler", "limits");
            String name = w.text("name", null);
            if (name == null || !WorkerScript.NAME.matcher(name).matches()) {
                throw w.error("name", (name == null ? "missing" : "'" + name + "'")
                        + " (expected: lower-case letters, digits, '-' and '_', at most 63)");
            }
            if (!names.add(name)) {
                throw w.error("name", "'" + name + "' appears twice (expected: one entry per worker)");
            }
            String className = w.text("class", null);
            String mainModule = w.text("main_module", null);
            if (className != null && mainModule != null) {
                throw w.error("main_module", "'" + mainModule + "' beside class '" + className
                        + "' (expected: exactly one of class, a Java Worker, or main_module, a JavaScript one)");
            }
            boolean javaScript = mainModule != null;
            if (javaScript && mainModule.isBlank()) {
                throw w.error("main_module", "'' (expected: the main module's file, relative to this file, e.g. src/worker.js)");
            }
            if (!javaScript && (className == null || !className.matches(CLASS_NAME))) {
                throw w.error("class", (className == null ? "missing" : "'" + className + "'")
                        + " (expected: the Worker's class name, e.g. com.example.ChatWorker, or main_module: a JavaScript file)");
            }
            if (javaScript && w.text("jar", null) != null) {
                throw w.error("jar", "'" + w.text("jar", null) + "' beside main_module (expected: jar only with class)");
            }
            String compatibilityDate = w.text("compatibility_date", null);
            if (compatibilityDate != null && (!javaScript || !WorkerScript.COMPATIBILITY_DATE.matcher(compatibilityDate).matches())) {
                throw w.error("compatibility_date", "'" + compatibilityDate + "' (expected: "
                        + (javaScript ? "a date as yyyy-mm-dd, e.g. 2025-01-01)" : "only with main_module)"));
            }
            String jar = w.text("jar", null);
            java.util.Map<String, String> vars = new java.util.LinkedHashMap<>();
            ConfigNode v = w.child("vars");
            if (v != null) {
                if (!v.raw().isObject()) {
                    throw w.error("vars", "expected a mapping of names to text");
                }
                v.raw().fields().forEachRemaining(e -> {
                    if (!e.getValue().isValueNode()) {
                        throw v.error(e.getKey(), "expected text");
                    }
                    vars.put(e.getKey(), e.getValue().asText());
                });
            }
            java.util.Map<String, String> objects = new java.util.LinkedHashMap<>();
            for (ConfigNode o : w.list("durable_objects")) {
                o.onlyKeys("binding", "class");
                String binding = o.text("binding", null);
                if (binding == null || !WorkerScript.BINDING.matcher(binding).matches()) {
                    throw o.error("binding", (binding == null ? "missing" : "'" + binding + "'")
                            + " (expected: letters, digits and _, starting with a letter, e.g. ROOMS)");
                }
                String objectClass = o.text("class", null);
                if (objectClass == null || !objectClass.matches(javaScript ? JS_CLASS_NAME : CLASS_NAME)) {
                    throw o.error("class", (objectClass == null ? "missing" : "'" + objectClass + "'") + (javaScript
                            ? " (expected: the name of a class the main module exports, e.g. ChatRoom)"
                            : " (expected: the Durable Object's class name, e.g. com.example.ChatRoom)"));
                }
                if (objects.put(binding, objectClass) != null || vars.containsKey(binding)) {
                    throw o.error("binding", "'" + binding + "' is bound twice (expected: one binding per name)");
                }
            }
            WorkerLimits limits = WorkerLimits.DEFAULT;
            ConfigNode l = w.child("limits");
            if (l != null) {
                if (!javaScript) {
                    throw w.error("limits", "beside class (expected: limits only with main_module: Java Workers have none)");
                }
                limits = WorkerLimits.of(l, true);
            }
            workers.add(javaScript
                    ? WorkerScript.javaScript(name, base.resolve(mainModule).normalize(), compatibilityDate, vars, objects).withLimits(limits)
                    : new WorkerScript(name, className, jar == null ? null : base.resolve(jar).normalize(), vars, objects));
        }
        return workers;
    }

    /**
     * The zones with the Wrangler projects' routes added: each to the zone its {@code zone_name}
     * names, or the most specific zone its host lies in, checked as a zone's {@code workers_routes}.
     */
    private static List<Zone> withWranglerRoutes(List<Zone> zones, List<WranglerProject> projects) {
        java.util.Map<String, List<WorkerRoute>> added = new java.util.LinkedHashMap<>();
        for (WranglerProject project : projects) {
            for (WranglerProject.Route r : project.routes()) {
                String where = "workers: " + project.script().name() + ": route '" + r.pattern() + "'";
                String host = r.pattern().replaceFirst("^https?://", "").replaceFirst("/.*$", "").replaceFirst("^\\*\\.?", "");
                Zone zone = null;
                for (Zone z : zones) {
                    boolean match = r.zoneName() != null ? z.name().equals(r.zoneName()) : host.equals(z.name()) || host.endsWith("." + z.name());
                    if (match && (zone == null || z.name().length() > zone.name().length())) {
                        zone = z;
                    }
                }
                if (zone == null) {
                    throw new ConfigException(where + ": " + (r.zoneName() != null ? "zone_name '" + r.zoneName() + "'" : "its host")
                            + " is not a zone of this file (expected: one of " + zones.stream().map(Zone::name).toList() + ")");
                }
                WorkerRoute route;
                try {
                    route = WorkerRoute.of(zone.name(), r.pattern(), project.script().name());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(where + ": " + e.getMessage(), e);
                }
                List<WorkerRoute> zoneRoutes = added.computeIfAbsent(zone.name(), k -> new ArrayList<>());
                Zone z = zone;
                if (java.util.stream.Stream.concat(z.workerRoutes().stream(), zoneRoutes.stream())
                        .anyMatch(other -> other.pattern().equals(route.pattern()))) {
                    throw new ConfigException(where + ": zone " + zone.name() + " has a route with that pattern already (expected: a "
                            + "pattern once per zone)");
                }
                zoneRoutes.add(route);
            }
        }
        if (added.isEmpty()) {
            return zones;
        }
        List<Zone> out = new ArrayList<>();
        for (Zone z : zones) {
            List<WorkerRoute> more = added.getOrDefault(z.name(), List.of());
            List<WorkerRoute> routes = new ArrayList<>(z.workerRoutes());
            routes.addAll(more);
            out.add(more.isEmpty() ? z : new Zone(z.name(), z.settings(), z.dnsRecords(), z.certificates(), z.originCa(), z.rulesets(), routes));
        }
        return out;
    }

    /** {@code admin}: its address, the host names it answers to, and the token {@code /metrics} takes. */
    private static AdminConfig admin(ConfigNode node, Path base) {
        node.onlyKeys("address", "allowed_hosts", "metrics_token_file");
        Set<String> allowedHosts = new java.util.LinkedHashSet<>();
        for (ConfigNode host : node.list("allowed_hosts")) {
            allowedHosts.add(host.hostName(false));
        }
        MetricsToken metricsToken = null;
        String tokenFile = node.text("metrics_token_file", null);
        if (tokenFile != null) {
            Path file = base.resolve(tokenFile).normalize();
            String secret;
            try {
                secret = Files.readString(file).strip(); // as Prometheus reads its credentials_file
            } catch (IOException e) {
                throw node.error("metrics_token_file", file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            String problem = MetricsToken.problem(secret);
            if (problem != null) {
                throw node.error("metrics_token_file", file + ": " + problem);
            }
            metricsToken = MetricsToken.of(secret);
        }
        return new AdminConfig(node.address("address"), allowedHosts, metricsToken);
    }

    private static final Pattern LIST_NAME = Pattern.compile("[a-z0-9_]{1,50}");

    /** {@code lists: { office: ["192.0.2.0/24", "2001:db8::/32"] }}: IP lists, as Cloudflare's account Lists. */
    private static java.util.Map<String, List<String>> lists(ConfigNode node) {
        if (node == null) {
            return java.util.Map.of();
        }
        if (!node.raw().isObject()) {
            throw new ConfigException(node.path() + ": expected a mapping of list names to addresses");
        }
        java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (Iterator<String> it = node.raw().fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!LIST_NAME.matcher(name).matches()) {
                throw node.error(name, "not a list name (expected: lower case letters, digits and _, at most 50)");
            }
            List<String> items = new ArrayList<>();
            for (ConfigNode item : node.list(name)) {
                String text = item.raw().asText().trim();
                if (!text.matches("[0-9a-fA-F.:]+(/\\d{1,3})?") || !(text.contains(".") || text.contains(":"))) {
                    throw new ConfigException(item.path() + ": '" + text + "' (expected: an IP address or a CIDR range such as 192.0.2.0/24)");
                }
                items.add(text);
            }
            out.put(name, items);
        }
        return out;
    }

    private static WafConfig waf(ConfigNode w) {
        if (w == null) {
            return WafConfig.DEFAULTS;
        }
        w.onlyKeys("redis", "redis_timeout", "challenge_secret", "challenge_passage", "challenge_difficulty", "rule_budget");
        String redis = w.text("redis", null);
        if (redis != null && !redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
            throw w.error("redis", "'" + redis + "' (expected: a Redis URI such as redis://127.0.0.1:6379)");
        }
        String secret = w.text("challenge_secret", null);
        if (secret != null && secret.length() < 16) {
            throw w.error("challenge_secret", "too short (expected: at least 16 characters; nodes that share it accept each other's clearances)");
        }
        return new WafConfig(redis, w.duration("redis_timeout", WafConfig.DEFAULTS.redisTimeout()), secret,
                w.duration("challenge_passage", WafConfig.DEFAULTS.challengePassage()),
                w.integer("challenge_difficulty", WafConfig.DEFAULTS.challengeDifficulty(), 1, 24),
                w.integer("rule_budget", (int) WafConfig.DEFAULT_RULE_BUDGET, 1_000, Integer.MAX_VALUE));
    }

    private static CertificateFiles certificate(ConfigNode c, Path base) {
        c.onlyKeys("certificate", "key");
        String cert = c.text("certificate", null);
        String key = c.text("key", null);
        if (cert == null || key == null) {
            throw new ConfigException(c.path() + ": expected both certificate and key (PEM file paths)");
        }
        return new CertificateFiles(base.resolve(cert).normalize(), base.resolve(key).normalize());
    }

    private static Zone zone(ConfigNode z, Path base) {
        z.onlyKeys("name", "settings", "dns_records", "origin_rules", "certificates", "origin_ca", "rulesets", "workers_routes");
        String name = z.hostName("name", false);
        ZoneSettings.Builder settings = ZoneSettings.builder();
        ConfigNode s = z.child("settings");
        if (s != null) {
            s.onlyKeys(ZoneSetting.yamlKeys());
            ZoneSetting.ALL.forEach(setting -> setting.setFromYaml(settings, s));
        }
        List<DnsRecord> records = new ArrayList<>();
        for (ConfigNode r : z.list("dns_records")) {
            r.onlyKeys("type", "name", "content", "proxied");
            String typeText = r.text("type", null);
            DnsRecord.Type type;
            try {
                type = DnsRecord.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw r.error("type", "'" + typeText + "' (expected: A, AAAA or CNAME)");
            }
            String recordName = r.hostName("name", true);
            if (!recordName.equals(name) && !recordName.endsWith("." + name)) {
                throw r.error("name", "'" + recordName + "' is not in zone " + name
                        + " (expected: " + name + " or a name ending in ." + name + ")");
            }
            String content = r.text("content", null);
            if (content == null || content.isBlank()) {
                throw r.error("content", "missing (expected: the origin's address or host name)");
            }
            if (type == DnsRecord.Type.A && !IpLiterals.isIpv4(content.trim())) {
                throw r.error("content", "'" + content + "' (expected: an IPv4 address for an A record)");
            }
            if (type == DnsRecord.Type.AAAA && !IpLiterals.isIpv6(content.trim())) {
                throw r.error("content", "'" + content + "' (expected: an IPv6 address for an AAAA record)");
            }
            if (r.child("proxied") != null && !r.child("proxied").raw().asBoolean(true)) {
                throw r.error("proxied", "false (expected: true; DNS-only records are not served by Pier)");
            }
            records.add(new DnsRecord(type, recordName, content.trim()));
        }
        List<CertificateFiles> certificates = new ArrayList<>();
        for (ConfigNode c : z.list("certificates")) {
            certificates.add(certificate(c, base));
        }
        String originCa = originCa(z, base);
        if (z.child("origin_rules") != null) {
            throw z.error("origin_rules", "replaced by Origin Rules in Cloudflare's shape (expected: a ruleset with "
                    + "phase: http_request_origin and rules such as { expression: 'http.host eq \"ws.example.com\"', "
                    + "action: route, action_parameters: { origin: { port: 9001 } } })");
        }
        List<WorkerRoute> workerRoutes = workerRoutes(z, name);
        return new Zone(name, settings.build(), records, certificates, originCa, RulesetReader.rulesets(z.list("rulesets"), name),
                workerRoutes);
    }

    /**
     * A zone's {@code workers_routes} ({@link WorkerRoute#of}): each a pattern in zone
     * {@code name} and a script name, a pattern once. Whether each script is one of the file's
     * workers is the whole file's check; a store's routes name the scripts of the nodes' files.
     */
    public static List<WorkerRoute> workerRoutes(ConfigNode z, String name) {
        List<WorkerRoute> workerRoutes = new ArrayList<>();
        Set<String> patterns = new HashSet<>();
        for (ConfigNode r : z.list("workers_routes")) {
            r.onlyKeys("pattern", "script");
            WorkerRoute route;
            try {
                route = WorkerRoute.of(name, r.text("pattern", ""), r.text("script", null));
            } catch (IllegalArgumentException e) {
                String field = e.getMessage().substring(0, e.getMessage().indexOf(':'));
                throw r.error(field, e.getMessage().substring(field.length() + 2));
            }
            if (!patterns.add(route.pattern())) {
                throw r.error("pattern", "'" + route.pattern() + "' appears twice (expected: a pattern once per zone)");
            }
            workerRoutes.add(route);
        }
        return workerRoutes;
    }

    /**
     * {@code origin_ca}: a PEM file (relative to the configuration's folder) or the PEM text itself
     * (what `pier export` writes); read now, so a reload reads it again. Kept re-encoded.
     */
    private static String originCa(ConfigNode z, Path base) {
        String value = z.text("origin_ca", null);
        if (value == null) {
            return null;
        }
        String pem = value;
        if (!value.strip().startsWith("-----BEGIN")) {
            Path file = base.resolve(value).normalize();
            try {
                pem = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (IOException | UncheckedIOException e) {
                throw z.error("origin_ca", file + " cannot be read (" + e.getMessage() + ")");
            }
        }
        try {
            return Certificates.canonicalChain(pem);
        } catch (IllegalArgumentException e) {
            throw z.error("origin_ca", e.getMessage());
        }
    }
}
