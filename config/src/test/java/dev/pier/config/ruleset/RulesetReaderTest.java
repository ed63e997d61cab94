package dev.pier.config.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.ConfigException;
import dev.pier.config.ConfigLoader;
import dev.pier.config.Zone;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rulesets read in Cloudflare's shape, and every way a ruleset can be wrong. */
class RulesetReaderTest {

    private static Zone zone(String rulesets) {
        return ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1:8080
                zones:
                  - name: example.com
                    dns_records:
                      - { type: A, name: example.com, content: 10.0.0.1 }
                    rulesets:
                %s""".formatted(rulesets.indent(6)), Path.of(".")).zones().get(0);
    }

    private static void assertError(String rulesets, String message) {
        assertThatThrownBy(() -> zone(rulesets)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void everyPhaseInCloudflaresShape() {
        Zone zone = zone("""
                - phase: http_request_firewall_custom
                  rules:
                    - id: r1
                      expression: http.request.uri.path eq "/admin"
                      action: block
                      action_parameters: { response: { status_code: 418, content: '{"error":"no"}', content_type: application/json } }
                    - { expression: 'ip.src in {10.0.0.0/8}', action: skip, action_parameters: { ruleset: current, phases: [http_ratelimit], products: [waf] } }
                    - { ref: chal, expression: 'true', action: managed_challenge, enabled: false }
                - phase: http_request_firewall_managed
                  rules:
                    - action: execute
                      expression: "true"
                      action_parameters:
                        id: 4814384a9e5d4991b9815dcfc25d2f1f
                        overrides:
                          categories: [ { category: paranoia-level-2, enabled: true } ]
                          rules: [ { id: 6179ae15870a4bb7b2d480d4843b323c, score_threshold: 25, action: log } ]
                - phase: http_ratelimit
                  rules:
                    - expression: http.request.uri.path eq "/ws"
                      action: block
                      ratelimit: { characteristics: [cf.colo.id, ip.src], period: 10, requests_per_period: 5, mitigation_timeout: 60 }
                - phase: http_request_origin
                  rules:
                    - { expression: 'http.host eq "example.com"', action: route, action_parameters: { host_header: origin.example.net, origin: { port: 9001 } } }
                """);
        List<RulesetRule> custom = zone.ruleset(Phase.HTTP_REQUEST_FIREWALL_CUSTOM).rules();
        assertThat(custom.get(0).parameters().response()).isEqualTo(new ActionParameters.Response(418, "{\"error\":\"no\"}", "application/json"));
        ActionParameters.Skip skip = custom.get(1).parameters().skip();
        assertThat(skip.currentRuleset()).isTrue();
        assertThat(skip.skips(Phase.HTTP_RATELIMIT)).isTrue();
        assertThat(skip.skips(Phase.HTTP_REQUEST_FIREWALL_MANAGED)).isTrue(); // through the product "waf"
        // ids derived from the zone, the phase and the ref or the position: the same at every reading of the file
        assertThat(custom.get(0).id()).isEqualTo("r1");
        assertThat(custom.get(1).id()).isEqualTo(RuleIds.of("example.com", Phase.HTTP_REQUEST_FIREWALL_CUSTOM, null, 1)).matches("[0-9a-f]{32}");
        assertThat(custom.get(2).id()).isEqualTo(RuleIds.of("example.com", Phase.HTTP_REQUEST_FIREWALL_CUSTOM, "chal", 2));
        assertThat(custom.get(2).ref()).isEqualTo("chal");
        assertThat(custom.get(2).enabled()).isFalse();

        ActionParameters.Execute execute = zone.ruleset(Phase.HTTP_REQUEST_FIREWALL_MANAGED).rules().get(0).parameters().execute();
        assertThat(execute.id()).isEqualTo("4814384a9e5d4991b9815dcfc25d2f1f");
        assertThat(execute.overrides().categories()).containsExactly(new ActionParameters.CategoryOverride("paranoia-level-2", true, null));
        assertThat(execute.overrides().rules()).containsExactly(
                new ActionParameters.RuleOverride("6179ae15870a4bb7b2d480d4843b323c", null, RuleAction.LOG, 25));

        RateLimit limit = zone.ruleset(Phase.HTTP_RATELIMIT).rules().get(0).ratelimit();
        assertThat(limit).isEqualTo(new RateLimit(List.of("ip.src"), 10, 5, 60, "")); // cf.colo.id is implicit
        assertThat(zone.ruleset(Phase.HTTP_REQUEST_ORIGIN).rules().get(0).parameters().route())
                .isEqualTo(new ActionParameters.Route("origin.example.net", null, 9001));
    }

    @Test
    void errorsNameTheKeyAndWhatWasExpected() {
        assertError("- { phase: http_request_late_transform, rules: [] }",
                "zones[0].rulesets[0].phase: 'http_request_late_transform' (expected one of: http_request_origin, "
                        + "http_request_firewall_custom, http_ratelimit, http_request_firewall_managed)");
        assertError("- { phase: http_request_firewall_custom, rules: [ { expression: 'true', action: route } ] }",
                "zones[0].rulesets[0].rules[0].action: 'route' (expected in http_request_firewall_custom: block, log, skip, managed_challenge, js_challenge, challenge)");
        assertError("- { phase: http_request_firewall_custom, rules: [ { action: block } ] }",
                "zones[0].rulesets[0].rules[0].expression: missing (expected: a Rules language expression, e.g. http.request.uri.path eq \"/admin\", or true)");
        assertError("- { phase: http_request_firewall_custom, rules: [ { expression: 'true', action: block, action_parameters: { response: { status_code: 500 } } } ] }",
                "zones[0].rulesets[0].rules[0].action_parameters.response.status_code: '500' (expected: a number from 400 to 499)");
        assertError("- { phase: http_request_firewall_custom, rules: [ { expression: 'true', action: block, action_parameters: { response: { content_type: image/png } } } ] }",
                "zones[0].rulesets[0].rules[0].action_parameters.response.content_type: 'image/png' (expected one of: text/plain, text/html, application/json, text/xml)");
        assertError("- { phase: http_request_firewall_custom, rules: [ { expression: 'true', action: skip, action_parameters: { products: [cache] } } ] }",
                "zones[0].rulesets[0].rules[0].action_parameters.products[0]: 'cache' (expected one of: bic, hot, rateLimit, securityLevel, uaBlock, waf, zoneLockdown)");
        assertError("- { phase: http_request_firewall_custom, rules: [ { expression: 'true', action: skip, action_parameters: { phases: [http_request_origin] } } ] }",
                "zones[0].rulesets[0].rules[0].action_parameters.phases[0]: 'http_request_origin' (expected: a phase that runs after http_request_firewall_custom: http_ratelimit or http_request_firewall_managed)");
        assertError("- { phase: http_request_firewall_custom, rules: [ { expression: 'true', action: skip } ] }",
                "zones[0].rulesets[0].rules[0].action_parameters: missing (expected: ruleset: current, phases or products)");
        assertError("- { phase: http_request_firewall_managed, rules: [ { expression: 'true', action: execute, action_parameters: { id: x, overrides: { rules: [ { id: y, action: route } ] } } } ] }",
                "zones[0].rulesets[0].rules[0].action_parameters.overrides.rules[0].action: 'route' (expected: block, log, managed_challenge, js_challenge or challenge)");
        assertError("- { phase: http_ratelimit, rules: [ { expression: 'true', action: block } ] }",
                "zones[0].rulesets[0].rules[0].ratelimit: missing (expected: characteristics, period and requests_per_period)");
        assertError("- { phase: http_ratelimit, rules: [ { expression: 'true', action: block, ratelimit: { characteristics: [ip.src], period: 30, requests_per_period: 5 } } ] }",
                "zones[0].rulesets[0].rules[0].ratelimit.period: 30 (expected one of: 10, 60, 120, 300, 600, 3600)");
        assertError("- { phase: http_ratelimit, rules: [ { expression: 'true', action: block, ratelimit: { characteristics: [ip.src], period: 10, requests_per_period: 5, mitigation_timeout: 5 } } ] }",
                "zones[0].rulesets[0].rules[0].ratelimit.mitigation_timeout: 5 (expected one of: 0, 10, 60, 120, 300, 600, 3600, 86400)");
        assertError("- { phase: http_request_origin, rules: [ { expression: 'true', action: route, action_parameters: { origin: { port: 70000 } } } ] }",
                "zones[0].rulesets[0].rules[0].action_parameters.origin.port: '70000' (expected: a number from 1 to 65535)");
        assertError("- { phase: http_request_origin, rules: [] }\n- { phase: http_request_origin, rules: [] }",
                "zones[0].rulesets[1].phase: 'http_request_origin' appears twice (expected: one ruleset per phase; put all its rules in one list)");
        assertError("- { phase: http_request_firewall_custom, rules: [ { id: a, expression: 'true', action: log }, { id: a, expression: 'true', action: log } ] }",
                "zones[0].rulesets[0].rules[1].id: 'a' appears twice in this ruleset (expected: unique rule ids)");
    }

    @Test
    void theOldOriginRulesKeyPointsToTheNewShape() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                listeners: [ { address: 127.0.0.1:8080 } ]
                zones:
                  - name: example.com
                    dns_records: [ { type: A, name: example.com, content: 10.0.0.1 } ]
                    origin_rules: [ { hostname: example.com, port: 9001 } ]
                """, Path.of("."))).hasMessageContaining("zones[0].origin_rules: replaced by Origin Rules in Cloudflare's shape");
    }

    @Test
    void productsMapToPhases() {
        ActionParameters.Skip skip = new ActionParameters.Skip(false, Set.of(), Set.of("rateLimit", "bic"));
        assertThat(skip.skips(Phase.HTTP_RATELIMIT)).isTrue();
        assertThat(skip.skips(Phase.HTTP_REQUEST_FIREWALL_MANAGED)).isFalse();
    }

    /** A rule's id from its ref survives a reordering; from its position, it is its place; either way the same file gives the same ids. */
    @Test
    void rulesWithoutAnIdGetStableIds() {
        String two = """
                - phase: http_request_firewall_custom
                  rules:
                    - { expression: 'true', action: log }
                    - { ref: keep, expression: 'true', action: block }
                """;
        String swapped = """
                - phase: http_request_firewall_custom
                  rules:
                    - { ref: keep, expression: 'true', action: block }
                    - { expression: 'true', action: log }
                """;
        List<RulesetRule> first = zone(two).ruleset(Phase.HTTP_REQUEST_FIREWALL_CUSTOM).rules();
        assertThat(zone(two).ruleset(Phase.HTTP_REQUEST_FIREWALL_CUSTOM).rules()).isEqualTo(first);
        List<RulesetRule> moved = zone(swapped).ruleset(Phase.HTTP_REQUEST_FIREWALL_CUSTOM).rules();
        assertThat(moved.get(0).id()).isEqualTo(first.get(1).id());
        assertThat(moved.get(1).id()).isNotEqualTo(first.get(0).id()).isEqualTo(RuleIds.of("example.com", Phase.HTTP_REQUEST_FIREWALL_CUSTOM, null, 1));
        assertThat(RuleIds.of("example.org", Phase.HTTP_REQUEST_FIREWALL_CUSTOM, "keep", 1)).isNotEqualTo(first.get(1).id());
        assertThat(RuleIds.of("example.com", Phase.HTTP_RATELIMIT, "keep", 1)).isNotEqualTo(first.get(1).id());
        assertError("""
                - phase: http_request_firewall_custom
                  rules:
                    - { ref: same, expression: 'true', action: log }
                    - { ref: same, expression: 'true', action: block }
                """, "zones[0].rulesets[0].rules[1].ref: 'same' appears twice in this ruleset (expected: unique rule refs)");
    }
}
