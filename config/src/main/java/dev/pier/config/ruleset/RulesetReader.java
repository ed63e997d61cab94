package dev.pier.config.ruleset;

import dev.pier.config.ConfigException;
import dev.pier.config.ConfigNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads rulesets in Cloudflare's JSON shape (from YAML or JSON), checking what can be checked
 * without compiling expressions: which actions a phase allows, which parameters an action
 * takes, the ranges Cloudflare allows. Every error names its key.
 */
public final class RulesetReader {

    private static final Map<Phase, Set<RuleAction>> ACTIONS = Map.of(
            Phase.HTTP_REQUEST_FIREWALL_CUSTOM, EnumSet.of(RuleAction.BLOCK, RuleAction.LOG, RuleAction.SKIP,
                    RuleAction.MANAGED_CHALLENGE, RuleAction.JS_CHALLENGE, RuleAction.CHALLENGE),
            Phase.HTTP_REQUEST_FIREWALL_MANAGED, EnumSet.of(RuleAction.EXECUTE, RuleAction.SKIP, RuleAction.LOG),
            Phase.HTTP_RATELIMIT, EnumSet.of(RuleAction.BLOCK, RuleAction.LOG,
                    RuleAction.MANAGED_CHALLENGE, RuleAction.JS_CHALLENGE, RuleAction.CHALLENGE),
            Phase.HTTP_REQUEST_ORIGIN, EnumSet.of(RuleAction.ROUTE));

    static final Set<String> CONTENT_TYPES = Set.of("text/plain", "text/html", "application/json", "text/xml");

    private RulesetReader() {
    }

    /**
     * A zone's rulesets, at most one per phase.
     *
     * @param zone the zone's name: a rule without an id gets one derived from it ({@link RuleIds})
     */
    public static List<Ruleset> rulesets(List<ConfigNode> nodes, String zone) {
        List<Ruleset> out = new ArrayList<>();
        Set<Phase> seen = EnumSet.noneOf(Phase.class);
        for (ConfigNode node : nodes) {
            Ruleset ruleset = ruleset(node, zone);
            if (!seen.add(ruleset.phase())) {
                throw node.error("phase", "'" + ruleset.phase().id() + "' appears twice (expected: one ruleset per phase; put all its rules in one list)");
            }
            out.add(ruleset);
        }
        return out;
    }

    public static Ruleset ruleset(ConfigNode node, String zone) {
        node.onlyKeys("phase", "rules", "name", "description", "kind", "id");
        String phaseText = node.text("phase", null);
        Phase phase = Phase.of(phaseText);
        if (phase == null) {
            throw node.error("phase", (phaseText == null ? "missing" : "'" + phaseText + "'") + " (expected one of: " + Phase.names() + ")");
        }
        List<RulesetRule> rules = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        Set<String> refs = new LinkedHashSet<>();
        for (ConfigNode r : node.list("rules")) {
            RulesetRule rule = rule(r, phase, rules.size(), zone);
            if (rule.ref() != null && !refs.add(rule.ref())) {
                throw r.error("ref", "'" + rule.ref() + "' appears twice in this ruleset (expected: unique rule refs)");
            }
            if (!ids.add(rule.id())) {
                throw r.error("id", "'" + rule.id() + "' appears twice in this ruleset (expected: unique rule ids)");
            }
            rules.add(rule);
        }
        return new Ruleset(phase, node.text("name", "default"), node.text("description", ""), rules);
    }

    public static RulesetRule rule(ConfigNode r, Phase phase, int position, String zone) {
        r.onlyKeys("id", "ref", "expression", "action", "action_parameters", "description", "enabled", "ratelimit",
                "logging", "version", "last_updated");
        String ref = r.text("ref", null);
        String id = r.text("id", null);
        if (id == null) {
            id = RuleIds.of(zone, phase, ref, position);
        }
        String expression = r.text("expression", null);
        if (expression == null || expression.isBlank()) {
            throw r.error("expression", "missing (expected: a Rules language expression, e.g. http.request.uri.path eq \"/admin\", or true)");
        }
        String actionText = r.text("action", null);
        RuleAction action = RuleAction.of(actionText);
        Set<RuleAction> allowed = ACTIONS.get(phase);
        if (action == null || !allowed.contains(action)) {
            throw r.error("action", (actionText == null ? "missing" : "'" + actionText + "'") + " (expected in "
                    + phase.id() + ": " + String.join(", ", allowed.stream().map(RuleAction::id).toList()) + ")");
        }
        ActionParameters parameters = parameters(r.child("action_parameters"), action, phase, r);
        RateLimit ratelimit = null;
        if (phase == Phase.HTTP_RATELIMIT) {
            ConfigNode rl = r.child("ratelimit");
            if (rl == null) {
                throw r.error("ratelimit", "missing (expected: characteristics, period and requests_per_period)");
            }
            ratelimit = rateLimit(rl);
        } else if (r.child("ratelimit") != null) {
            throw r.error("ratelimit", "only rules of the http_ratelimit phase have one");
        }
        boolean logging = true;
        ConfigNode log = r.child("logging");
        if (log != null) {
            log.onlyKeys("enabled");
            logging = log.onOff("enabled", true);
        }
        return new RulesetRule(id, ref, expression, action, parameters, r.text("description", ""),
                r.onOff("enabled", true), ratelimit, logging);
    }

    private static ActionParameters parameters(ConfigNode p, RuleAction action, Phase phase, ConfigNode rule) {
        if (p == null) {
            return switch (action) {
                case EXECUTE -> throw rule.error("action_parameters", "missing (expected: the id of the managed ruleset to execute)");
                case SKIP -> throw rule.error("action_parameters", "missing (expected: ruleset: current, phases or products)");
                case ROUTE -> throw rule.error("action_parameters", "missing (expected: origin, host_header or both)");
                default -> ActionParameters.NONE;
            };
        }
        return switch (action) {
            case BLOCK -> {
                p.onlyKeys("response");
                ConfigNode resp = p.child("response");
                yield new ActionParameters(resp == null ? null : response(resp, phase), null, null, null);
            }
            case SKIP -> new ActionParameters(null, skip(p, phase), null, null);
            case EXECUTE -> new ActionParameters(null, null, execute(p), null);
            case ROUTE -> new ActionParameters(null, null, null, route(p));
            default -> throw new ConfigException(p.path() + ": action " + action.id() + " takes no parameters");
        };
    }

    private static ActionParameters.Response response(ConfigNode resp, Phase phase) {
        resp.onlyKeys("status_code", "content", "content_type");
        String type = resp.text("content_type", "text/plain");
        if (!CONTENT_TYPES.contains(type)) {
            throw resp.error("content_type", "'" + type + "' (expected one of: text/plain, text/html, application/json, text/xml)");
        }
        String content = resp.text("content", "");
        int max = phase == Phase.HTTP_RATELIMIT ? 30 * 1024 : 2 * 1024;
        if (content.length() > max) {
            throw resp.error("content", content.length() + " characters (expected: at most " + max + ")");
        }
        return new ActionParameters.Response(resp.integer("status_code", phase == Phase.HTTP_RATELIMIT ? 429 : 403, 400, 499),
                content, type);
    }

    private static ActionParameters.Skip skip(ConfigNode p, Phase phase) {
        p.onlyKeys("ruleset", "phases", "products");
        String ruleset = p.text("ruleset", null);
        if (ruleset != null && !ruleset.equals("current")) {
            throw p.error("ruleset", "'" + ruleset + "' (expected: current)");
        }
        Set<Phase> phases = EnumSet.noneOf(Phase.class);
        for (ConfigNode n : p.list("phases")) {
            Phase skipped = Phase.of(n.raw().asText());
            if (skipped != Phase.HTTP_RATELIMIT && skipped != Phase.HTTP_REQUEST_FIREWALL_MANAGED
                    || skipped.ordinal() <= phase.ordinal()) {
                throw new ConfigException(n.path() + ": '" + n.raw().asText()
                        + "' (expected: a phase that runs after " + phase.id() + ": http_ratelimit or http_request_firewall_managed)");
            }
            phases.add(skipped);
        }
        Set<String> products = new LinkedHashSet<>();
        for (ConfigNode n : p.list("products")) {
            if (!ActionParameters.Skip.PRODUCTS.contains(n.raw().asText())) {
                throw new ConfigException(n.path() + ": '" + n.raw().asText() + "' (expected one of: "
                        + String.join(", ", new java.util.TreeSet<>(ActionParameters.Skip.PRODUCTS)) + ")");
            }
            products.add(n.raw().asText());
        }
        if (ruleset == null && phases.isEmpty() && products.isEmpty()) {
            throw new ConfigException(p.path() + ": nothing to skip (expected: ruleset: current, phases or products)");
        }
        return new ActionParameters.Skip(ruleset != null, phases, products);
    }

    private static ActionParameters.Execute execute(ConfigNode p) {
        p.onlyKeys("id", "overrides", "version");
        String id = p.text("id", null);
        if (id == null || id.isBlank()) {
            throw p.error("id", "missing (expected: the id of a managed ruleset)");
        }
        ConfigNode o = p.child("overrides");
        if (o == null) {
            return new ActionParameters.Execute(id, ActionParameters.Overrides.NONE);
        }
        o.onlyKeys("enabled", "action", "categories", "rules");
        List<ActionParameters.CategoryOverride> categories = new ArrayList<>();
        for (ConfigNode c : o.list("categories")) {
            c.onlyKeys("category", "enabled", "action");
            String category = c.text("category", null);
            if (category == null || category.isBlank()) {
                throw c.error("category", "missing (expected: a tag such as paranoia-level-2 or attack-sqli)");
            }
            categories.add(new ActionParameters.CategoryOverride(category, enabled(c), overrideAction(c)));
        }
        List<ActionParameters.RuleOverride> rules = new ArrayList<>();
        for (ConfigNode r : o.list("rules")) {
            r.onlyKeys("id", "enabled", "action", "score_threshold");
            String id2 = r.text("id", null);
            if (id2 == null || id2.isBlank()) {
                throw r.error("id", "missing (expected: the id of a rule of the managed ruleset)");
            }
            Integer threshold = r.child("score_threshold") == null ? null : r.integer("score_threshold", 0, 1, 1000);
            rules.add(new ActionParameters.RuleOverride(id2, enabled(r), overrideAction(r), threshold));
        }
        return new ActionParameters.Execute(id, new ActionParameters.Overrides(enabled(o), overrideAction(o), categories, rules));
    }

    private static Boolean enabled(ConfigNode n) {
        return n.child("enabled") == null ? null : n.onOff("enabled", true);
    }

    /** An override's action: what a managed rule may do (block, log or a challenge). */
    private static RuleAction overrideAction(ConfigNode n) {
        String text = n.text("action", null);
        if (text == null) {
            return null;
        }
        RuleAction action = RuleAction.of(text);
        if (action == null || !(action == RuleAction.BLOCK || action == RuleAction.LOG || action.isChallenge())) {
            throw n.error("action", "'" + text + "' (expected: block, log, managed_challenge, js_challenge or challenge)");
        }
        return action;
    }

    private static ActionParameters.Route route(ConfigNode p) {
        p.onlyKeys("origin", "host_header");
        String hostHeader = p.child("host_header") == null ? null : p.hostName("host_header", false);
        String host = null;
        Integer port = null;
        ConfigNode o = p.child("origin");
        if (o != null) {
            o.onlyKeys("host", "port");
            host = o.child("host") == null ? null : o.hostName("host", false);
            port = o.child("port") == null ? null : o.integer("port", 0, 1, 65535);
            if (host == null && port == null) {
                throw new ConfigException(o.path() + ": empty (expected: host, port or both)");
            }
        }
        if (hostHeader == null && o == null) {
            throw new ConfigException(p.path() + ": nothing to route (expected: origin, host_header or both)");
        }
        return new ActionParameters.Route(hostHeader, host, port);
    }

    private static RateLimit rateLimit(ConfigNode rl) {
        rl.onlyKeys("characteristics", "period", "requests_per_period", "mitigation_timeout", "counting_expression",
                "requests_to_origin");
        List<String> characteristics = new ArrayList<>();
        for (ConfigNode c : rl.list("characteristics")) {
            String text = c.raw().asText();
            if (text.isBlank()) {
                throw new ConfigException(c.path() + ": empty (expected: a field such as ip.src or http.request.headers[\"x-api-key\"])");
            }
            if (!text.equals("cf.colo.id")) {
                characteristics.add(text);
            }
        }
        int period = rl.integer("period", 0, 1, 3600);
        if (!RateLimit.PERIODS.contains(period)) {
            throw rl.error("period", period + " (expected one of: 10, 60, 120, 300, 600, 3600)");
        }
        int timeout = rl.integer("mitigation_timeout", 0, 0, 86400);
        if (!RateLimit.MITIGATION_TIMEOUTS.contains(timeout)) {
            throw rl.error("mitigation_timeout", timeout + " (expected one of: 0, 10, 60, 120, 300, 600, 3600, 86400)");
        }
        rl.onOff("requests_to_origin", false); // either way: Pier does not cache, every request goes to the origin
        return new RateLimit(characteristics, period, rl.integer("requests_per_period", 0, 1, 1_000_000_000), timeout,
                rl.text("counting_expression", ""));
    }
}
