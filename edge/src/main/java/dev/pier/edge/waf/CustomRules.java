package dev.pier.edge.waf;

import dev.pier.config.FirewallRule;
import dev.pier.config.Zone;
import dev.pier.rules.Context;
import dev.pier.rules.Expression;
import dev.pier.rules.RuleException;
import dev.pier.rules.Scheme;
import dev.pier.rules.StandardFields;
import java.util.ArrayList;
import java.util.List;

/**
 * A zone's custom rules (Cloudflare's {@code http_request_firewall_custom} phase), compiled
 * once per configuration snapshot and evaluated in order: {@code log} notes the match and goes
 * on, {@code skip} ends the phase, {@code block} ends the request.
 */
public final class CustomRules {

    /** The one scheme of the request phases, shared by every compiled rule. */
    public static final Scheme SCHEME = StandardFields.requestScheme();

    public static final CustomRules NONE = new CustomRules(List.of());

    private record Compiled(FirewallRule rule, Expression expression) {
    }

    /**
     * The outcome: the action taken (null when no rule acted), the rule that took it, and the
     * ids of {@code log} rules that matched on the way.
     */
    public record Decision(FirewallRule.Action action, FirewallRule rule, List<String> logged) {
        static final Decision NOTHING = new Decision(null, null, List.of());

        public boolean blocks() {
            return action == FirewallRule.Action.BLOCK;
        }
    }

    private final List<Compiled> rules;

    private CustomRules(List<Compiled> rules) {
        this.rules = rules;
    }

    /** @throws IllegalArgumentException naming the zone and rule when an expression is not valid */
    public static CustomRules of(Zone zone) {
        if (zone.firewallRules().isEmpty()) {
            return NONE;
        }
        List<Compiled> compiled = new ArrayList<>();
        for (FirewallRule rule : zone.firewallRules()) {
            if (!rule.enabled()) {
                continue;
            }
            try {
                compiled.add(new Compiled(rule, Expression.parse(SCHEME, rule.expression())));
            } catch (RuleException e) {
                throw new IllegalArgumentException("zone " + zone.name() + ", rule " + rule.id() + ": " + e.getMessage(), e);
            }
        }
        return new CustomRules(List.copyOf(compiled));
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    public Decision evaluate(Context request) {
        List<String> logged = null;
        for (Compiled c : rules) {
            if (!c.expression().matches(request)) {
                continue;
            }
            switch (c.rule().action()) {
                case LOG -> {
                    if (logged == null) {
                        logged = new ArrayList<>(2);
                    }
                    logged.add(c.rule().id());
                }
                case SKIP -> {
                    return new Decision(FirewallRule.Action.SKIP, c.rule(), logged == null ? List.of() : logged);
                }
                case BLOCK -> {
                    return new Decision(FirewallRule.Action.BLOCK, c.rule(), logged == null ? List.of() : logged);
                }
            }
        }
        return logged == null ? Decision.NOTHING : new Decision(FirewallRule.Action.LOG, null, logged);
    }
}
