package dev.pier.waf.managed;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.config.ruleset.ActionParameters;
import dev.pier.config.ruleset.RuleAction;
import dev.pier.rules.Context;
import dev.pier.rules.Expression;
import dev.pier.rules.RuleException;
import dev.pier.waf.WafScheme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The managed rulesets Pier ships, by id; built once per process. */
public final class ManagedRulesets {

    /** Pier's OWASP Core Ruleset, under the id of Cloudflare's. */
    public static final String OWASP = "4814384a9e5d4991b9815dcfc25d2f1f";
    /** Cloudflare's own Managed Ruleset: its rules are Cloudflare's and not shipped here. */
    static final String CLOUDFLARE_MANAGED = "efb7b8c949ac4650a09736fc376e9aee";

    private final Map<String, ManagedRuleset> rulesets;
    private final ManagedExecution defaults;
    /** By what they execute; held weakly, so an execution no snapshot uses any more goes. */
    private final Cache<ActionParameters.Execute, ManagedExecution> executions = Caffeine.newBuilder().weakValues().build();

    private ManagedRulesets(Map<String, ManagedRuleset> rulesets) {
        this.rulesets = Map.copyOf(rulesets);
        this.defaults = new ManagedExecution(rulesets.get(OWASP), ActionParameters.Overrides.NONE, true);
    }

    /** The rulesets in Pier's resources. */
    public static ManagedRulesets builtIn() {
        ManagedRuleset owasp = load("owasp.yaml");
        return new ManagedRulesets(Map.of(owasp.id(), owasp));
    }

    public ManagedRuleset get(String id) {
        return rulesets.get(id);
    }

    /**
     * Compiles an {@code execute} action: the ruleset with its overrides applied.
     *
     * @throws IllegalArgumentException for an unknown ruleset, or an override naming a rule
     *         the ruleset does not have
     */
    public ManagedExecution execute(ActionParameters.Execute execute) {
        ManagedRuleset ruleset = rulesets.get(execute.id());
        if (ruleset == null) {
            throw new IllegalArgumentException("execute: " + execute.id() + " (expected: " + OWASP + ", the OWASP Core Ruleset"
                    + (execute.id().equals(CLOUDFLARE_MANAGED) ? "; Cloudflare's own Managed Ruleset is not shipped with Pier" : "")
                    + ")");
        }
        // An execution is all in its ruleset and overrides: zones that execute the same share
        // one, prefilters and input caches included, for as long as a snapshot holds it. A
        // thousand zones with the default overrides then compile the ruleset once, not a
        // thousand times on every change.
        return executions.get(execute, e -> new ManagedExecution(ruleset, e.overrides(), true));
    }

    /** Like {@link #execute} but every rule runs on every request: for checking that the prefilter hides no match. */
    ManagedExecution executeWithoutPrefilter(ActionParameters.Execute execute) {
        return new ManagedExecution(rulesets.get(execute.id()), execute.overrides(), false);
    }

    /** The WAF attack scores of a request, by the OWASP rules at their defaults (for {@code cf.waf.score} in any phase). */
    public AttackScore attackScore(Context request) {
        return defaults.score(request);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A ruleset file from the classpath, next to this class (tests load broken ones). */
    static ManagedRuleset load(String resource) {
        JsonNode root;
        try (InputStream in = ManagedRulesets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("managed ruleset " + resource + " is missing from the classpath");
            }
            root = YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ManagedRuleset.Rule> rules = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode r : root.get("rules")) {
            String id = r.get("id").asText();
            if (!ids.add(id)) {
                throw new IllegalStateException(resource + ": rule " + id + " appears twice");
            }
            Set<String> categories = new LinkedHashSet<>();
            r.get("categories").forEach(c -> categories.add(c.asText()));
            int level = categories.stream().filter(c -> c.startsWith("paranoia-level-"))
                    .mapToInt(c -> Integer.parseInt(c.substring("paranoia-level-".length()))).findFirst().orElse(1);
            Expression expression;
            try {
                expression = Expression.parse(WafScheme.SCHEME, r.get("expression").asText());
            } catch (RuleException e) {
                throw new IllegalStateException(resource + ": rule " + id + ": " + e.getMessage(), e);
            }
            List<String> prefilter = new ArrayList<>();
            if (r.has("prefilter")) {
                r.get("prefilter").forEach(l -> prefilter.add(l.asText()));
            }
            Set<ManagedRuleset.Target> targets = java.util.EnumSet.noneOf(ManagedRuleset.Target.class);
            if (r.has("targets")) {
                r.get("targets").forEach(t -> targets.add(ManagedRuleset.Target.valueOf(t.asText().toUpperCase(java.util.Locale.ROOT))));
            }
            if (targets.isEmpty() == expression.fields().contains(WafScheme.INPUT)) {
                throw new IllegalStateException(resource + ": rule " + id + ": targets go with expressions over waf.input, and only with them");
            }
            List<View> views = views(resource, id, r, targets.isEmpty());
            rules.add(new ManagedRuleset.Rule(id, r.get("description").asText(), Set.copyOf(categories),
                    Severity.of(r.get("severity").asText()), level, expression, List.copyOf(prefilter), Set.copyOf(targets),
                    r.path("matches_tokens").asBoolean(false), views));
        }
        JsonNode a = root.get("anomaly");
        ManagedRuleset.AnomalyRule anomaly = new ManagedRuleset.AnomalyRule(a.get("id").asText(), a.get("description").asText(),
                RuleAction.of(a.get("action").asText()), a.get("score_threshold").asInt());
        return new ManagedRuleset(root.get("id").asText(), root.get("name").asText(), rules, anomaly);
    }

    /**
     * A per-input rule's views: as listed (the decoded view, then each view built on the one
     * before, in order), or the decoded and uncommented views when none are listed. The decoded
     * view is never left out: no view that removes content may be the only one a rule sees.
     */
    private static List<View> views(String resource, String id, JsonNode r, boolean wholeRequest) {
        if (!r.has("views")) {
            return wholeRequest ? List.of() : List.of(View.DECODED, View.UNCOMMENTED);
        }
        if (wholeRequest) {
            throw new IllegalStateException(resource + ": rule " + id + ": views go with expressions over waf.input, and only with them");
        }
        List<View> views = new ArrayList<>();
        for (JsonNode v : r.get("views")) {
            try {
                views.add(View.of(v.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(resource + ": rule " + id + ": " + e.getMessage(), e);
            }
        }
        if (!views.equals(List.of(View.values()).subList(0, views.size()))) {
            throw new IllegalStateException(resource + ": rule " + id + ": views " + r.get("views")
                    + " (expected: decoded, then uncommented, then sql, each only with those before it)");
        }
        return List.copyOf(views);
    }
}
