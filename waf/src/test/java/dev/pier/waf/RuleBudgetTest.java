package dev.pier.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.WafConfig;
import dev.pier.config.ruleset.RuleAction;
import dev.pier.rules.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request's rules spend from its budget; when it runs out the verdict blocks the request at
 * the rule that would have overspent, in whatever phase, and no later rule runs. Rulesets are
 * bounded when compiled from a configuration file. Ordinary rulesets on the largest requests
 * the edge accepts stay far inside the default budget.
 */
class RuleBudgetTest {

    private final WafRuntime runtime = WafRuntime.local();

    @AfterEach
    void close() {
        runtime.close();
    }

    static final String HEAVY = "http.request.uri.path matches \"(a{100}){99}\"";
    static final String LONG_PATH = "/" + "a".repeat(10_000);

    @Test
    void theBudgetRunsOutAtARuleThatBlocksTheRequestAndNothingAfterItRuns() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(ZoneWafTest.zone("""
                - phase: http_request_firewall_custom
                  rules:
                    - { id: first, expression: 'http.request.uri.path contains "a"', action: log }
                    - { id: heavy, expression: '%s', action: log }
                    - { id: after, expression: 'true', action: log }
                """.formatted(HEAVY)), runtime);
        Context fields = PathologicalRulesTest.fields(waf, LONG_PATH, List.of());
        Verdict refused = waf.evaluate(fields, 0).toCompletableFuture().get();
        assertThat(refused.budgetExceeded()).isTrue();
        assertThat(refused.action()).isEqualTo(RuleAction.BLOCK);
        assertThat(refused.ruleId()).isEqualTo("heavy");
        assertThat(refused.source()).isEqualTo(Verdict.FIREWALL_CUSTOM);
        assertThat(refused.actions()).containsExactly("log", "block");
        assertThat(refused.ruleIds()).containsExactly("first", "heavy"); // "after" never ran
        assertThat(fields.spent()).isLessThan(WafConfig.DEFAULT_RULE_BUDGET);

        Verdict passed = PathologicalRulesTest.run(waf, "/" + "a".repeat(49), List.of());
        assertThat(passed.budgetExceeded()).isFalse();
        assertThat(passed.terminates()).isFalse();
        assertThat(passed.ruleIds()).containsExactly("first", "after");
    }

    @Test
    void aLargerBudgetJudgesWhatTheDefaultRefuses() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(ZoneWafTest.zone("""
                - phase: http_request_firewall_custom
                  rules:
                    - { id: heavy, expression: '%s', action: block }
                """.formatted(HEAVY)), runtime);
        Context fields = PathologicalRulesTest.fields(waf, LONG_PATH, List.of()).budget(200_000_000);
        Verdict judged = waf.evaluate(fields, 0).toCompletableFuture().get();
        assertThat(judged.budgetExceeded()).isFalse();
        assertThat(judged.action()).isEqualTo(RuleAction.BLOCK); // the rule itself matched and blocked
        assertThat(judged.ruleId()).isEqualTo("heavy");
    }

    @Test
    void theRuleAndPhaseWhereItRanOutAreNamedInEveryPhase() throws Exception {
        for (String[] phase : new String[][] {
                {"http_request_origin", "route, action_parameters: { host_header: x.example }", Verdict.ORIGIN_RULES},
                {"http_ratelimit", "block, ratelimit: { characteristics: [ip.src], period: 10, requests_per_period: 100 }", Verdict.RATE_LIMIT},
                {"http_request_firewall_managed", "skip, action_parameters: { ruleset: current }", Verdict.FIREWALL_MANAGED}}) {
            ZoneWaf waf = ZoneWaf.compile(ZoneWafTest.zone("""
                    - phase: %s
                      rules:
                        - { id: heavy, expression: '%s', action: %s }
                    """.formatted(phase[0], HEAVY, phase[1])), runtime);
            Verdict refused = PathologicalRulesTest.run(waf, LONG_PATH, List.of());
            assertThat(refused.budgetExceeded()).as(phase[0]).isTrue();
            assertThat(refused.ruleId()).isEqualTo("heavy");
            assertThat(refused.source()).isEqualTo(phase[2]);
        }
    }

    @Test
    void aRateLimitsCharacteristicThatOverspendsRefusesTheRequest() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(ZoneWafTest.zone("""
                - phase: http_ratelimit
                  rules:
                    - { id: keyed, expression: 'true', action: block, ratelimit: { characteristics: ['regex_replace(http.request.uri.path, "(a{100}){99}", "x")'], period: 10, requests_per_period: 100 } }
                """), runtime);
        Verdict refused = PathologicalRulesTest.run(waf, LONG_PATH, List.of());
        assertThat(refused.budgetExceeded()).isTrue();
        assertThat(refused.ruleId()).isEqualTo("keyed");
        assertThat(refused.source()).isEqualTo(Verdict.RATE_LIMIT);
        assertThat(PathologicalRulesTest.run(waf, "/a", List.of()).terminates()).isFalse();
    }

    /** The shapes of RulesBenchmark's hundred typical custom rules. */
    static final String[] TYPICAL = {
        "http.request.uri.path eq \"/blocked-%d\"",
        "http.host eq \"bad-%d.example.com\" and http.request.method eq \"GET\"",
        "ip.src in {198.18.%d.0/24 10.%d.0.0/16}",
        "http.user_agent contains \"scanner-%d\"",
        "http.request.uri.query matches \"(?i)(union|select).*%d\"",
        "any(http.request.headers.names[*] eq \"x-evil-%d\")",
        "http.request.headers[\"origin\"][0] wildcard \"https://*.attacker%d.test\"",
        "lower(http.request.uri.path) eq \"/admin%d\" and not ip.src in {192.0.2.0/24}",
        "http.request.uri.args[\"token\"][0] eq \"revoked-%d\"",
        "len(http.request.uri.query) gt %d000 and ssl",
    };

    @Test
    void aHundredTypicalRulesAndTheManagedRulesetSpendAQuarterOfTheDefaultOnTheLargestRequest() throws Exception {
        StringBuilder rules = new StringBuilder("- phase: http_request_firewall_custom\n  rules:\n");
        for (int i = 0; i < 100; i++) {
            rules.append("    - { id: c").append(i).append(", action: block, expression: '")
                    .append(TYPICAL[i % TYPICAL.length].replace("%d", Integer.toString(i)).replace("'", "''")).append("' }\n");
        }
        rules.append("""
                - phase: http_request_firewall_managed
                  rules:
                    - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }
                """);
        ZoneWaf waf = ZoneWaf.compile(ZoneWafTest.zone(rules.toString()), runtime);
        // 16 KB of URI (the edge's limit) with the words the rules look for, 12 KB of cookies and headers
        String uri = "/socket/" + "segment/".repeat(500) + "?room=lobby&token=abc&q=" + "select+union+".repeat(1_000);
        Context fields = PathologicalRulesTest.fields(waf, uri.substring(0, 16_000), List.of(
                Map.entry("Origin", "https://chat.example.com"), Map.entry("Cookie", "session=" + "s".repeat(8_000)),
                Map.entry("X-Trace", "t".repeat(4_000))));
        Verdict verdict = waf.evaluate(fields, 0).toCompletableFuture().get();
        assertThat(verdict.budgetExceeded()).isFalse();
        assertThat(fields.spent()).isLessThan(WafConfig.DEFAULT_RULE_BUDGET / 3); // 263,985 when written
    }

    @Test
    void aRulesetOverTheLimitsIsRefusedWhenLoadedFromAConfigurationFile() {
        StringBuilder many = new StringBuilder("- phase: http_request_firewall_custom\n  rules:\n");
        for (int i = 0; i <= RulesetLimits.MAX_RULES; i++) {
            many.append("    - { action: log, enabled: false, expression: 'true' }\n"); // disabled ones count too
        }
        assertThatThrownBy(() -> ZoneWaf.compile(ZoneWafTest.zone(many.toString()), runtime, Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("zone example.com, http_request_firewall_custom, ruleset exceeds complexity constraints: 1001 rules "
                        + "(expected: at most 1000)");

        String two = "- { action: log, expression: '" + HEAVY + "' }\n";
        String atLimit = "- phase: http_request_firewall_custom\n  rules:\n" + (two + two).indent(4);
        assertThat(ZoneWaf.compile(ZoneWafTest.zone(atLimit), runtime).isEmpty()).isFalse(); // 2 × 10,000: the limit
        assertThatThrownBy(() -> ZoneWaf.compile(ZoneWafTest.zone(atLimit + two.indent(4)), runtime))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("zone example.com, http_request_firewall_custom, ruleset exceeds complexity constraints: "
                        + "its rules cost 30000 per character read (expected: at most 20000;");
        // disabled rules are not compiled and cost nothing until enabled
        assertThat(ZoneWaf.compile(ZoneWafTest.zone(atLimit + two.replace("action: log", "action: log, enabled: false").indent(4)),
                runtime).isEmpty()).isFalse();
    }
}
