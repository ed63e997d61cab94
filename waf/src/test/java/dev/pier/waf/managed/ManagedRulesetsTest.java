package dev.pier.waf.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.ruleset.ActionParameters;
import dev.pier.config.ruleset.RuleAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped ruleset loads, and overrides change what runs the way Cloudflare's do. */
class ManagedRulesetsTest {

    static final ManagedRulesets RULESETS = ManagedRulesets.builtIn();
    static final String ANOMALY = "6179ae15870a4bb7b2d480d4843b323c";

    private static ManagedExecution execute(ActionParameters.Overrides overrides) {
        return RULESETS.execute(new ActionParameters.Execute(ManagedRulesets.OWASP, overrides));
    }

    @Test
    void theOwaspRulesetLoadsWithParanoiaLevelOneByDefault() {
        ManagedRuleset owasp = RULESETS.get(ManagedRulesets.OWASP);
        assertThat(owasp.rules()).hasSizeGreaterThan(40);
        long levelOne = owasp.rules().stream().filter(r -> r.paranoiaLevel() == 1).count();
        assertThat(execute(ActionParameters.Overrides.NONE).size()).isEqualTo((int) levelOne);
        assertThat(execute(ActionParameters.Overrides.NONE).anomaly().scoreThreshold()).isEqualTo(40);
        assertThat(owasp.rules()).allSatisfy(r -> assertThat(r.id()).matches("[0-9a-f]{32}"));
    }

    @Test
    void everyPerInputRuleLooksAtTheDecodedViewAndSqlPatternsAtTheSqlView() {
        ManagedRuleset owasp = RULESETS.get(ManagedRulesets.OWASP);
        assertThat(owasp.rules()).filteredOn(ManagedRuleset.Rule::perInput)
                .allSatisfy(r -> assertThat(r.views()).as(r.description()).startsWith(View.DECODED, View.UNCOMMENTED));
        assertThat(owasp.rules()).filteredOn(r -> !r.perInput()).allSatisfy(r -> assertThat(r.views()).isEmpty());
        assertThat(owasp.rules()).filteredOn(r -> r.views().contains(View.SQL))
                .allSatisfy(r -> assertThat(r.categories()).contains("attack-sqli")).hasSizeGreaterThan(5);
    }

    /** No transformation that removes content may be the only view a rule sees; views build on the one before. */
    @Test
    void aRulesViewsStartWithTheDecodedViewAndFollowTheirOrder() {
        assertThatThrownBy(() -> ManagedRulesets.load("views-without-decoded.yaml")).isInstanceOf(IllegalStateException.class)
                .hasMessage("views-without-decoded.yaml: rule aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3: views [\"uncommented\"]"
                        + " (expected: decoded, then uncommented, then sql, each only with those before it)");
        assertThatThrownBy(() -> ManagedRulesets.load("views-skipping-uncommented.yaml")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("views [\"decoded\",\"sql\"] (expected: decoded, then uncommented, then sql");
        assertThatThrownBy(() -> ManagedRulesets.load("views-unknown.yaml")).isInstanceOf(IllegalStateException.class)
                .hasMessage("views-unknown.yaml: rule aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3: view: raw (expected: decoded, uncommented or sql)");
    }

    @Test
    void paranoiaLevelsOneToFourEachAddRules() {
        ManagedRuleset owasp = RULESETS.get(ManagedRulesets.OWASP);
        assertThat(owasp.rules().stream().map(ManagedRuleset.Rule::paranoiaLevel).distinct()).containsExactlyInAnyOrder(1, 2, 3, 4);
        int previous = 0;
        for (int level = 1; level <= 4; level++) {
            List<ActionParameters.CategoryOverride> enable = new java.util.ArrayList<>();
            for (int l = 2; l <= level; l++) {
                enable.add(new ActionParameters.CategoryOverride("paranoia-level-" + l, true, null));
            }
            int size = execute(new ActionParameters.Overrides(null, null, enable, List.of())).size();
            assertThat(size).as("paranoia level " + level).isGreaterThan(previous);
            previous = size;
        }
    }

    @Test
    void overridesFollowCloudflaresPrecedence() {
        ManagedExecution pl2 = execute(new ActionParameters.Overrides(null, null,
                List.of(new ActionParameters.CategoryOverride("paranoia-level-2", true, null)), List.of()));
        assertThat(pl2.size()).isGreaterThan(execute(ActionParameters.Overrides.NONE).size());

        ManagedExecution noSqli = execute(new ActionParameters.Overrides(null, null,
                List.of(new ActionParameters.CategoryOverride("attack-sqli", false, null)), List.of()));
        assertThat(noSqli.size()).isLessThan(execute(ActionParameters.Overrides.NONE).size());

        // a rule override beats the category override that disabled it
        String libinjection = RULESETS.get(ManagedRulesets.OWASP).rules().get(0).id();
        ManagedExecution back = execute(new ActionParameters.Overrides(null, null,
                List.of(new ActionParameters.CategoryOverride("attack-sqli", false, null)),
                List.of(new ActionParameters.RuleOverride(libinjection, true, null, null))));
        assertThat(back.size()).isEqualTo(noSqli.size() + 1);

        ManagedExecution high = execute(new ActionParameters.Overrides(null, RuleAction.LOG, List.of(),
                List.of(new ActionParameters.RuleOverride(ANOMALY, null, RuleAction.MANAGED_CHALLENGE, 25))));
        assertThat(high.anomaly().scoreThreshold()).isEqualTo(25);
        assertThat(high.anomaly().action()).isEqualTo(RuleAction.MANAGED_CHALLENGE);
        assertThat(execute(new ActionParameters.Overrides(null, RuleAction.LOG, List.of(), List.of())).anomaly().action())
                .isEqualTo(RuleAction.LOG);
    }

    @Test
    void zonesExecutingTheSameShareOneExecutionAndOthersGetTheirOwn() {
        ActionParameters.Overrides paranoid = new ActionParameters.Overrides(null, null,
                List.of(new ActionParameters.CategoryOverride("paranoia-level-2", true, null)), List.of());
        ActionParameters.Overrides paranoidToo = new ActionParameters.Overrides(null, null,
                List.of(new ActionParameters.CategoryOverride("paranoia-level-2", true, null)), List.of());
        assertThat(execute(paranoidToo)).as("equal overrides, compiled once").isSameAs(execute(paranoid));
        assertThat(execute(ActionParameters.Overrides.NONE)).isNotSameAs(execute(paranoid));
        assertThat(execute(ActionParameters.Overrides.NONE).size()).isLessThan(execute(paranoid).size());
    }

    @Test
    void unknownRulesetsAndRulesAreClearErrors() {
        assertThatThrownBy(() -> RULESETS.execute(new ActionParameters.Execute("efb7b8c949ac4650a09736fc376e9aee", ActionParameters.Overrides.NONE)))
                .hasMessage("execute: efb7b8c949ac4650a09736fc376e9aee (expected: 4814384a9e5d4991b9815dcfc25d2f1f, the OWASP Core "
                        + "Ruleset; Cloudflare's own Managed Ruleset is not shipped with Pier)");
        assertThatThrownBy(() -> execute(new ActionParameters.Overrides(null, null, List.of(),
                List.of(new ActionParameters.RuleOverride("nope", false, null, null)))))
                .hasMessage("overrides: rule nope (expected: a rule of Pier OWASP Core Ruleset)");
    }
}
