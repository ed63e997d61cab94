package dev.pier.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.config.CertificateFiles;
import dev.pier.config.Certificates;
import dev.pier.config.ConfigException;
import dev.pier.config.ConfigLoader;
import dev.pier.config.ConfigNode;
import dev.pier.config.DnsRecord;
import dev.pier.config.PierConfig;
import dev.pier.config.WorkerRoute;
import dev.pier.config.Zone;
import dev.pier.config.ZoneSetting;
import dev.pier.config.ZoneSettings;
import dev.pier.config.ruleset.Phase;
import dev.pier.config.ruleset.RuleIds;
import dev.pier.config.ruleset.Ruleset;
import dev.pier.config.ruleset.RulesetReader;
import dev.pier.control.store.Json;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredDnsRecord;
import dev.pier.control.store.StoredList;
import dev.pier.control.store.StoredRuleset;
import dev.pier.control.store.StoredSetting;
import dev.pier.control.store.StoredWorkerRoute;
import dev.pier.control.store.StoredZone;
import dev.pier.control.store.StoredZoneContents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bridge between the store and the edge's configuration model: the zones an edge serves,
 * read from the store; and a YAML file's zones written into the store (config as code: the
 * file is imported, the store stays the one source of truth).
 */
public final class StoredZones {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private StoredZones() {
    }

    /**
     * Every zone in the store, as the edge runs it but for certificates, which only
     * {@link #load(Store, CertificateFolder)} gives. A stored value the edge cannot use is a
     * ConfigException naming it.
     */
    public static List<Zone> load(Store store) {
        return load(store, null);
    }

    /** Every zone in the store, as the edge runs it, its certificates written in {@code certificates}. */
    public static List<Zone> load(Store store, CertificateFolder certificates) {
        List<Zone> zones = new ArrayList<>();
        for (StoredZoneContents contents : store.zoneContents()) {
            zones.add(zone(contents, certificates));
        }
        return zones;
    }

    /**
     * The zone nested in {@code zone} that owns {@code name} (the most specific one, as the edge
     * routes: {@link dev.pier.config.ZoneNames}), or null when the name is {@code zone}'s own. A
     * parent zone's records and certificates never serve a nested zone's names, so writing them
     * is refused rather than silently left unserved.
     */
    public static String nestedOwner(Store store, String zone, String name) {
        String candidate = name.startsWith("*.") ? name.substring(2) : name;
        while (candidate.endsWith("." + zone)) {
            if (store.zones(candidate, 1, 1).totalCount() > 0) {
                return candidate;
            }
            candidate = candidate.substring(candidate.indexOf('.') + 1);
        }
        return null;
    }

    /**
     * The edge's configuration: the file's listeners, timeouts and TLS with the store's zones,
     * as they were at one version of the store. The zones are read in a query per table; when a write
     * commits in between, they are read again, so an edge never applies half of a change (half
     * an import, say).
     *
     * @throws ConfigException when the store kept changing through every attempt (the follower
     *                         tries again at its next poll)
     */
    public static PierConfig config(PierConfig base, Store store, CertificateFolder certificates) {
        return config(base, store, certificates, null);
    }

    /**
     * As {@link #config(PierConfig, Store, CertificateFolder)}, with the store's Workers scripts beside the
     * file's ({@link StoredScripts}), their modules written in {@code scripts} (null: the file's Workers only).
     */
    public static PierConfig config(PierConfig base, Store store, CertificateFolder certificates, ScriptFolder scripts) {
        for (int attempt = 0; attempt < 10; attempt++) {
            long version = store.lastChange();
            PierConfig config = base.withZones(load(store, certificates), store.listsWithItems());
            List<dev.pier.config.WorkerScript> stored = scripts == null ? List.of() : StoredScripts.load(store, scripts);
            if (store.lastChange() == version) {
                if (certificates != null) {
                    // the edge reads its certificates once, as it applies this; others' keys go now
                    certificates.keepOnly(config.zones().stream().flatMap(z -> z.certificates().stream()).toList());
                }
                if (scripts == null) {
                    return config;
                }
                scripts.keepOnly(stored.stream().map(dev.pier.config.WorkerScript::mainModule).toList());
                return config.withWorkers(StoredScripts.merged(base.workers(), stored));
            }
        }
        throw new ConfigException("store: it changed during each of 10 reads; no consistent view of it yet");
    }

    private static Zone zone(StoredZoneContents contents, CertificateFolder certificates) {
        StoredZone z = contents.zone();
        Map<String, JsonNode> s = new LinkedHashMap<>();
        for (StoredSetting setting : contents.settings().values()) {
            s.put(setting.id(), parse(setting.jsonValue()));
        }
        ZoneSettings.Builder settings = ZoneSettings.builder();
        for (ZoneSetting<?> setting : ZoneSetting.ALL) {
            JsonNode value = s.get(setting.apiId());
            if (value != null) {
                try {
                    setting.setFromApi(settings, value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("store: zone " + z.name() + ": " + setting.apiId() + " " + value
                            + " (expected: " + setting.expected() + ")");
                }
            }
        }
        List<DnsRecord> records = new ArrayList<>();
        for (StoredDnsRecord r : contents.dnsRecords()) {
            if (r.proxied()) {
                records.add(new DnsRecord(DnsRecord.Type.valueOf(r.type()), r.name(), r.content()));
            }
        }
        List<ConfigNode> rulesets = new ArrayList<>();
        for (StoredRuleset r : contents.rulesets()) {
            ObjectNode node = (ObjectNode) parse(r.json());
            node.put("phase", r.phase());
            rulesets.add(new ConfigNode(node, "zones[" + z.name() + "].rulesets[" + r.phase() + "]"));
        }
        List<Ruleset> parsed = new ArrayList<>(RulesetReader.rulesets(rulesets, z.name()));
        parsed.sort(java.util.Comparator.comparing(Ruleset::phase)); // Cloudflare's phase order
        List<CertificateFiles> files = new ArrayList<>();
        if (certificates != null) {
            contents.certificates().forEach(c -> files.add(certificates.files(c)));
        }
        String originCa = s.containsKey("origin_ca") && !s.get("origin_ca").asText().isEmpty()
                ? Certificates.canonicalChain(s.get("origin_ca").asText()) : null;
        List<WorkerRoute> routes = new ArrayList<>();
        for (StoredWorkerRoute r : contents.workerRoutes()) {
            try {
                routes.add(WorkerRoute.of(z.name(), r.pattern(), r.script()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("store: zone " + z.name() + ": Worker route " + r.id() + ": " + e.getMessage(), e);
            }
        }
        return new Zone(z.name(), settings.build(), records, files, originCa, parsed, routes);
    }

    /**
     * Writes a YAML configuration file's zones into the store, declaratively: a zone of the file
     * ends up with exactly the file's settings, proxied records, rulesets and Worker routes. The file is checked
     * whole first ({@link ConfigLoader}); a file that does not load writes nothing. The writes are
     * one transaction, and so one change for the edges that follow the store.
     *
     * @return the names of the zones written
     */
    public static List<String> importYaml(Path file, Store store, String actor) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        PierConfig checked;
        if (root != null && root.has("listeners")) {
            checked = ConfigLoader.load(file);
        } else {
            // a zones-only file, as `pier export` writes: check it as a whole configuration would be
            ObjectNode whole = root == null || !root.isObject() ? F.objectNode() : ((ObjectNode) root).deepCopy();
            whole.remove("workers_scripts"); // the account's scripts: read below
            whole.putArray("listeners").addObject().put("address", "127.0.0.1:1");
            // a store's routes name the scripts of the serving nodes' files, not this one's: read below
            whole.path("zones").forEach(z -> {
                if (z.isObject()) {
                    ((ObjectNode) z).remove("workers_routes");
                }
            });
            try {
                checked = ConfigLoader.parse(YAML.writeValueAsString(whole), file.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
            } catch (ConfigException e) {
                throw new ConfigException(file + ": " + e.getMessage(), e);
            }
        }
        Map<String, List<Certificates.EdgeCertificate>> certificates = new LinkedHashMap<>();
        for (Zone zone : checked.zones()) {
            List<Certificates.EdgeCertificate> pems = new ArrayList<>();
            for (CertificateFiles c : zone.certificates()) {
                try {
                    pems.add(Certificates.check(readPem(file, c.certificate()), readPem(file, c.key()), zone.name()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(file + ": zones[" + zone.name() + "].certificates " + c.certificate() + ": " + e.getMessage(), e);
                }
            }
            certificates.put(zone.name(), pems);
        }
        List<ScriptsExport.Imported> scripts;
        try {
            scripts = ScriptsExport.read(root == null ? F.missingNode() : root.path("workers_scripts"));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
        JsonNode zones = root.path("zones");
        Map<String, List<WorkerRoute>> routes = new LinkedHashMap<>();
        for (int i = 0; i < checked.zones().size(); i++) {
            String name = checked.zones().get(i).name();
            try {
                routes.put(name, ConfigLoader.workerRoutes(new ConfigNode(zones.get(i), "zones[" + i + "]"), name));
            } catch (ConfigException e) {
                throw new ConfigException(file + ": " + e.getMessage(), e);
            }
        }
        // one transaction: an edge following the store sees the whole import or none of it
        return store.inTransaction(tx -> {
            ScriptsExport.write(tx, scripts, actor); // before the routes that may name them
            checked.lists().forEach((name, items) -> { // first: the rules below may name them
                String listId = tx.lists().stream().filter(l -> l.name().equals(name)).findFirst().map(StoredList::id)
                        .orElseGet(() -> tx.createList(name, "ip", "", actor).id());
                Map<String, String> entries = new LinkedHashMap<>();
                items.forEach(item -> entries.put(item, ""));
                tx.putListItems(listId, entries, true, actor);
            });
            List<String> names = new ArrayList<>();
            for (int i = 0; i < checked.zones().size(); i++) {
                Zone zone = checked.zones().get(i);
                String id = importZone(tx, zone, zones.get(i), certificates.get(zone.name()), actor);
                importRoutes(tx, id, routes.get(zone.name()), actor);
                names.add(checked.zones().get(i).name());
            }
            return names;
        });
    }

    /**
     * Makes a stored zone exactly the file's: its settings, records and phase rulesets (its id is
     * returned). Its
     * certificates are added when not stored yet; certificates are removed through the API only,
     * since an export (which never holds private keys) has none to import back.
     */
    private static String importZone(Store tx, Zone zone, JsonNode raw, List<Certificates.EdgeCertificate> certificates, String actor) {
        String id = tx.zones(zone.name(), 1, 1).items().stream().findFirst().map(StoredZone::id)
                .orElseGet(() -> tx.createZone(zone.name(), actor).id());
        Map<String, String> settings = settings(zone.settings());
        settings.put("origin_ca", quote(zone.originCa() == null ? "" : zone.originCa()));
        tx.putSettings(id, settings, actor);
        // the file holds proxied records only: those become the file's; DNS-only records stay, and
        // a record the file still has keeps its id and TTL
        Set<DnsRecord> wanted = new java.util.LinkedHashSet<>(zone.dnsRecords());
        for (StoredDnsRecord old : tx.dnsRecords(id)) {
            if (old.proxied() && !wanted.remove(new DnsRecord(DnsRecord.Type.valueOf(old.type()), old.name(), old.content()))) {
                tx.deleteDnsRecord(id, old.id(), actor);
            }
        }
        for (DnsRecord r : wanted) {
            tx.createDnsRecord(id, r.type().name(), r.name(), r.content(), true, 1, actor);
        }
        Set<String> phases = new HashSet<>();
        for (JsonNode ruleset : raw.path("rulesets")) {
            ObjectNode body = ruleset.deepCopy();
            String phase = body.remove("phase").asText();
            phases.add(phase);
            RuleIds.fill(body, zone.name(), Phase.of(phase)); // the ids the edge gives them, so the API can name each rule
            tx.putRuleset(id, phase, body.toString(), actor);
        }
        for (StoredRuleset old : tx.rulesets(id)) {
            if (!phases.contains(old.phase())) {
                tx.deleteRuleset(id, old.phase(), actor); // declarative: the file has no ruleset for it
            }
        }
        Set<String> stored = new HashSet<>();
        tx.certificates(id).forEach(c -> stored.add(c.certificatePem()));
        for (Certificates.EdgeCertificate c : certificates) {
            if (stored.add(c.certificatePem())) { // both re-encoded: the same certificate is the same text
                tx.createCertificate(id, c.certificatePem(), c.keyPem(), actor);
            }
        }
        return id;
    }

    /**
     * Makes a stored zone's Worker routes exactly {@code wanted}: a route whose pattern the file
     * still has keeps its id (and takes the file's script), the others go.
     */
    private static void importRoutes(Store tx, String zoneId, List<WorkerRoute> wanted, String actor) {
        Map<String, WorkerRoute> byPattern = new LinkedHashMap<>();
        wanted.forEach(r -> byPattern.put(r.pattern(), r));
        for (StoredWorkerRoute old : tx.workerRoutes(zoneId)) {
            WorkerRoute kept = byPattern.remove(old.pattern());
            if (kept == null) {
                tx.deleteWorkerRoute(zoneId, old.id(), actor);
            } else if (!kept.script().equals(old.script())) {
                tx.updateWorkerRoute(zoneId, old.id(), kept.pattern(), kept.script(), actor);
            }
        }
        byPattern.values().forEach(r -> tx.createWorkerRoute(zoneId, r.pattern(), r.script(), actor));
    }

    private static String readPem(Path file, Path pem) {
        try {
            return Files.readString(pem, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException(file + ": " + pem + " cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The store's zones as a YAML document ({@code zones:} only), in the configuration file's
     * shape: what `pier import` reads back.
     */
    public static String exportYaml(Store store) {
        ObjectNode root = F.objectNode();
        Map<String, List<String>> lists = store.listsWithItems();
        if (!lists.isEmpty()) {
            ObjectNode l = root.putObject("lists");
            lists.forEach((name, items) -> items.forEach(l.withArray(name)::add));
        }
        ArrayNode zones = root.putArray("zones");
        for (Zone zone : load(store)) {
            StoredZone stored = store.zones(zone.name(), 1, 1).items().get(0);
            ObjectNode z = zones.addObject().put("name", zone.name());
            ObjectNode settings = z.putObject("settings");
            ZoneSetting.ALL.forEach(setting -> setting.putYaml(settings, zone.settings()));
            if (zone.originCa() != null) {
                z.put("origin_ca", zone.originCa()); // public certificates: the PEM text itself
            }
            ArrayNode records = z.putArray("dns_records");
            for (DnsRecord r : zone.dnsRecords()) {
                records.addObject().put("type", r.type().name()).put("name", r.name()).put("content", r.content());
            }
            ArrayNode rulesets = z.putArray("rulesets");
            for (StoredRuleset r : store.rulesets(stored.id())) {
                ObjectNode body = (ObjectNode) parse(r.json());
                ObjectNode out = rulesets.addObject().put("phase", r.phase());
                out.setAll(body);
            }
            if (!zone.workerRoutes().isEmpty()) {
                ArrayNode routes = z.putArray("workers_routes");
                zone.workerRoutes().forEach(r -> routes.addObject().put("pattern", r.pattern()).put("script", r.script()));
            }
        }
        ArrayNode scripts = ScriptsExport.export(store);
        if (scripts != null) {
            root.set("workers_scripts", scripts);
        }
        try {
            return "# Written by `pier export`: the store's zones. `pier import --config FILE` reads it back.\n"
                    + "# Zone certificates stay in the store: a private key is never exported. Nor is a Worker's secret text:\n"
                    + "# an import keeps the one the store has for the script.\n"
                    + YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("export: YAML cannot be written", e);
        }
    }

    /** A zone's settings as the store keeps them: by API id, JSON values, null for a setting at its default. */
    static Map<String, String> settings(ZoneSettings s) {
        Map<String, String> out = new LinkedHashMap<>();
        ZoneSetting.ALL.forEach(setting -> out.put(setting.apiId(), setting.storedValue(s)));
        return out;
    }

    private static String quote(String s) {
        return F.textNode(s).toString();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.stored(json);
        } catch (IllegalStateException e) {
            throw new ConfigException("store: a stored value is not JSON: " + json, e);
        }
    }
}
