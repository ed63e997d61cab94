package dev.pier.config.ruleset;

import java.util.List;

/**
 * A zone's ruleset for one phase (Cloudflare's phase entry point ruleset).
 *
 * @param phase       the phase it runs in
 * @param name        free text
 * @param description free text
 * @param rules       in the order they run
 */
public record Ruleset(Phase phase, String name, String description, List<RulesetRule> rules) {

    public Ruleset {
        rules = List.copyOf(rules);
    }
}
