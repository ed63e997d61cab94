package dev.pier.control.api;

import dev.pier.control.store.Ids;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.ConfigException;
import dev.pier.config.ConfigNode;
import dev.pier.config.Zone;
import dev.pier.config.ZoneSettings;
import dev.pier.config.ruleset.Phase;
import dev.pier.config.ruleset.RuleIds;
import dev.pier.config.ruleset.Ruleset;
import dev.pier.config.ruleset.RulesetReader;
import dev.pier.control.store.Json;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredRuleset;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import dev.pier.waf.RuleCompileException;
import dev.pier.waf.WafRuntime;
import dev.pier.waf.ZoneWaf;
import java.util.List;
import java.util.Optional;

/**
 * Zone rulesets in Cloudflare's shape: the phase entry points
 * ({@code /rulesets/phases/{phase}/entrypoint}), rulesets by id, and single rules. Every write
 * is checked whole before it is stored: the ruleset's shape ({@link RulesetReader}) and every
 * expression, compiled as the edge will compile it; a bad one is refused with the parser's
 * column and message, and nothing is written.
 */
final class RulesetsApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Compiles rules to check them; never serves traffic. */
    private static final WafRuntime CHECKER = WafRuntime.local();

    private final Store store;

    RulesetsApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Rulesets");
        String rulesets = "/zones/{zone_id}/rulesets";
        String ruleset = rulesets + "/{ruleset_id}";
        String entrypoint = rulesets + "/phases/{ruleset_phase}/entrypoint";
        String rule = ruleset + "/rules/{rule_id}";
        Route.Access zone = Route.Access.ZONE;
        routes.add("GET", rulesets, zone, Permission.ZONE_READ).doc("listRulesets", "List the zone's rulesets").to(c -> list(c.zone()));
        routes.add("POST", rulesets, zone, Permission.ZONE_WAF_WRITE).doc("createRuleset", "Create the zone's ruleset for a phase")
                .body("RulesetCreate").to(c -> create(c.zone(), RequestJson.object(c.request()), c.token()));
        routes.add("GET", ruleset, zone, Permission.ZONE_READ).doc("getRuleset", "A ruleset with its rules")
                .to(c -> byId(c.zone(), c.param("ruleset_id")));
        routes.add("PUT", ruleset, zone, Permission.ZONE_WAF_WRITE).doc("replaceRuleset", "Replace a ruleset's rules").body("Ruleset")
                .to(c -> putById(c.zone(), c.param("ruleset_id"), RequestJson.object(c.request()), c.token()));
        routes.add("DELETE", ruleset, zone, Permission.ZONE_WAF_WRITE).doc("deleteRuleset", "Delete a ruleset")
                .to(c -> delete(c.zone(), c.param("ruleset_id"), c.token()));
        routes.add("GET", entrypoint, zone, Permission.ZONE_READ).doc("getPhaseEntrypoint", "A phase's entry point ruleset")
                .to(c -> entrypoint(c.zone(), c.param("ruleset_phase")));
        routes.add("PUT", entrypoint, zone, Permission.ZONE_WAF_WRITE).doc("replacePhaseEntrypoint",
                "Replace a phase's entry point ruleset").body("Ruleset")
                .to(c -> put(c.zone(), c.param("ruleset_phase"), RequestJson.object(c.request()), c.token()));
        routes.add("POST", ruleset + "/rules", zone, Permission.ZONE_WAF_WRITE).doc("addRule",
                "Add a rule to a ruleset, at the end or at position.index").body("RuleAdd")
                .to(c -> addRule(c.zone(), c.param("ruleset_id"), RequestJson.object(c.request()), c.token()));
        routes.add("PATCH", rule, zone, Permission.ZONE_WAF_WRITE).doc("editRule", "Edit a rule: the fields given replace the rule's")
                .body("RuleChanges").to(c -> editRule(c.zone(), c.param("ruleset_id"), c.param("rule_id"),
                        RequestJson.object(c.request()), c.token()));
        routes.add("DELETE", rule, zone, Permission.ZONE_WAF_WRITE).doc("deleteRule", "Delete a rule")
                .to(c -> deleteRule(c.zone(), c.param("ruleset_id"), c.param("rule_id"), c.token()));
        return routes.list();
    }

    private ApiResponse list(StoredZone zone) {
        ArrayNode out = F.arrayNode();
        for (StoredRuleset r : store.rulesets(zone.id())) {
            ObjectNode o = json(r, zone, false);
            out.add(o);
        }
        return Envelope.success(out);
    }

    private ApiResponse entrypoint(StoredZone zone, String phase) {
        return Envelope.success(json(find(zone, phase(phase)), zone, true));
    }

    private ApiResponse byId(StoredZone zone, String id) {
        return Envelope.success(json(findById(zone, id), zone, true));
    }

    /** PUT entrypoint, PUT by id and POST (create) all end here: the phase's ruleset becomes the body. */
    private ApiResponse put(StoredZone zone, String phase, JsonNode body, StoredToken token) {
        ObjectNode ruleset = checked(zone, phase(phase), body);
        return Envelope.success(json(store.putRuleset(zone.id(), phase, ruleset.toString(), Credentials.actor(token)), zone, true));
    }

    private ApiResponse putById(StoredZone zone, String id, JsonNode body, StoredToken token) {
        return put(zone, findById(zone, id).phase(), body, token);
    }

    private ApiResponse create(StoredZone zone, JsonNode body, StoredToken token) {
        JsonNode phase = body.get("phase");
        if (phase == null) {
            throw invalid(20200, "phase: missing (expected one of the phases Pier runs, e.g. http_request_firewall_custom)");
        }
        if (store.ruleset(zone.id(), phase(phase.asText()).id()).isPresent()) {
            throw invalid(20200, "a zone has one ruleset per phase and " + phase.asText() + " has one (update it instead)");
        }
        return put(zone, phase.asText(), body, token);
    }

    private ApiResponse delete(StoredZone zone, String id, StoredToken token) {
        StoredRuleset r = findById(zone, id);
        store.deleteRuleset(zone.id(), r.phase(), Credentials.actor(token));
        return Envelope.success(F.nullNode());
    }

    /** POST .../rules: a rule added at the end (or {@code position.index}, 1-based). */
    private ApiResponse addRule(StoredZone zone, String id, JsonNode rule, StoredToken token) {
        return edit(zone, id, token, body -> {
            ArrayNode rules = body.withArray("rules");
            ObjectNode copy = ((ObjectNode) rule.deepCopy());
            JsonNode position = copy.remove("position");
            int at = position != null && position.has("index") ? FieldLimits.ruleIndex(position.get("index"), rules.size()) : rules.size();
            rules.insert(at, copy);
        });
    }

    /** PATCH .../rules/{rule_id}: the fields given replace the rule's. */
    private ApiResponse editRule(StoredZone zone, String id, String ruleId, JsonNode changes, StoredToken token) {
        return edit(zone, id, token, body -> {
            ObjectNode rule = ruleById(body, ruleId);
            changes.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("id")) {
                    rule.set(e.getKey(), e.getValue());
                }
            });
        });
    }

    private ApiResponse deleteRule(StoredZone zone, String id, String ruleId, StoredToken token) {
        return edit(zone, id, token, body -> {
            ruleById(body, ruleId);
            ArrayNode rules = body.withArray("rules");
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i).path("id").asText().equals(ruleId)) {
                    rules.remove(i);
                    break;
                }
            }
        });
    }

    /**
     * One rule changed: read, change, check, and write only if nobody wrote in between (else
     * read again), so concurrent edits of one ruleset are never lost.
     */
    private ApiResponse edit(StoredZone zone, String id, StoredToken token, java.util.function.Consumer<ObjectNode> change) {
        for (int attempt = 0; ; attempt++) {
            StoredRuleset current = findById(zone, id);
            ObjectNode body = (ObjectNode) Json.stored(current.json());
            RuleIds.fill(body, zone.name(), phase(current.phase())); // rules stored without one keep the id the edge gives them
            change.accept(body);
            ObjectNode checked = checked(zone, phase(current.phase()), body);
            try {
                return Envelope.success(json(store.replaceRuleset(zone.id(), current.phase(), checked.toString(), current.version(),
                        Credentials.actor(token)), zone, true));
            } catch (dev.pier.control.store.StoreException e) {
                if (e.kind() != dev.pier.control.store.StoreException.Kind.CONFLICT || attempt == 9) {
                    throw e;
                }
            }
        }
    }

    // ---------------------------------------------------------------- checks

    /** What a ruleset body may hold: what Cloudflare takes, and what it returns (a GET's result can be sent back). */
    private static final List<String> RULESET_KEYS = List.of("id", "name", "description", "kind", "phase", "rules", "version",
            "last_updated", "source");

    /** The body as it will be stored (every rule with an id), after checking it as the edge would. */
    private ObjectNode checked(StoredZone zone, Phase phase, JsonNode body) {
        if (!body.isObject()) {
            throw invalid(20200, "expected a ruleset object with rules");
        }
        // A body that names no rules, or misspells a key, must not replace the phase's rules with none.
        for (java.util.Iterator<String> keys = body.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!RULESET_KEYS.contains(key)) {
                throw invalid(20200, key + ": unknown key (expected: " + String.join(", ", RULESET_KEYS) + ")");
            }
        }
        if (!body.path("rules").isArray()) {
            throw invalid(20200, "rules: " + (body.has("rules") ? body.get("rules").getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    : "missing") + " (expected: an array of rules; [] removes every rule)");
        }
        for (String text : List.of("name", "description", "kind", "phase")) {
            if (body.has(text) && !body.get(text).isTextual()) {
                throw invalid(20200, text + ": expected a string");
            }
        }
        FieldLimits.ruleset(body);
        ObjectNode ruleset = F.objectNode();
        ruleset.put("name", body.path("name").asText("default"));
        ruleset.put("description", body.path("description").asText(""));
        ArrayNode rules = ruleset.putArray("rules");
        for (JsonNode rule : body.path("rules")) {
            if (!rule.isObject()) {
                throw invalid(20200, "rules: every rule is an object");
            }
            ObjectNode copy = ((ObjectNode) rule.deepCopy());
            copy.remove(List.of("version", "last_updated", "position"));
            if (!copy.hasNonNull("id")) {
                copy.put("id", Ids.newId());
            } else if (!copy.get("id").asText().matches("[0-9A-Za-z_-]{1,64}")) {
                throw invalid(20200, "rules[" + (rules.size()) + "].id: '" + copy.get("id").asText()
                        + "' (expected: letters, digits, _ and -, at most 64)");
            }
            rules.add(copy);
        }
        ObjectNode withPhase = ruleset.deepCopy();
        withPhase.put("phase", phase.id());
        Ruleset parsed;
        try {
            parsed = RulesetReader.ruleset(new ConfigNode(withPhase, ""), zone.name());
        } catch (ConfigException e) {
            throw invalid(20200, e.getMessage());
        }
        try {
            ZoneWaf.compile(new Zone(zone.name(), ZoneSettings.DEFAULTS, List.of(), List.of(), null, List.of(parsed)), CHECKER,
                    store.listNames());
        } catch (RuleCompileException e) {
            throw invalid(20021, e.ruleId() == null ? e.problem() : "rule " + e.ruleId() + ": " + e.problem());
        }
        return ruleset;
    }

    private static Phase phase(String id) {
        Phase phase = Phase.of(id);
        if (phase == null) {
            throw new ApiException(400, new ApiError(20200, "phase: " + id + " (expected one of: http_request_origin, "
                    + "http_request_firewall_custom, http_ratelimit, http_request_firewall_managed)"));
        }
        return phase;
    }

    private StoredRuleset find(StoredZone zone, Phase phase) {
        return store.ruleset(zone.id(), phase.id()).orElseThrow(() -> new ApiException(404, new ApiError(10003,
                "could not find entrypoint ruleset in the " + phase.id() + " phase")));
    }

    private StoredRuleset findById(StoredZone zone, String id) {
        Optional<StoredRuleset> r = store.rulesets(zone.id()).stream().filter(x -> x.id().equals(id)).findFirst();
        return r.orElseThrow(() -> new ApiException(404, new ApiError(10003, "could not find ruleset " + id)));
    }

    private static ObjectNode ruleById(ObjectNode body, String ruleId) {
        for (JsonNode rule : body.withArray("rules")) {
            if (rule.path("id").asText().equals(ruleId)) {
                return (ObjectNode) rule;
            }
        }
        throw new ApiException(404, new ApiError(10003, "could not find rule " + ruleId));
    }

    private static ApiException invalid(int code, String message) {
        return new ApiException(400, new ApiError(code, message));
    }

    private static ObjectNode json(StoredRuleset r, StoredZone zone, boolean withRules) {
        ObjectNode body = (ObjectNode) Json.stored(r.json());
        RuleIds.fill(body, zone.name(), phase(r.phase()));
        ObjectNode o = F.objectNode().put("id", r.id()).put("name", body.path("name").asText("default"))
                .put("description", body.path("description").asText("")).put("kind", "zone")
                .put("version", Integer.toString(r.version())).put("phase", r.phase())
                .put("last_updated", r.modifiedOn().toString());
        if (withRules) {
            ArrayNode rules = o.putArray("rules");
            for (JsonNode rule : body.withArray("rules")) {
                ObjectNode copy = ((ObjectNode) rule.deepCopy());
                copy.put("version", Integer.toString(r.version())).put("last_updated", r.modifiedOn().toString());
                if (!copy.has("enabled")) {
                    copy.put("enabled", true);
                }
                rules.add(copy);
            }
        }
        return o;
    }

}
