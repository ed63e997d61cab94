package dev.pier.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.ConfigLoader;
import dev.pier.config.Zone;
import dev.pier.config.ruleset.Phase;
import dev.pier.config.ruleset.RuleAction;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The phases in Cloudflare's order, every action, and what lands in the verdict. */
class ZoneWafTest {

    private final WafRuntime runtime = WafRuntime.local();

    @AfterEach
    void close() {
        runtime.close();
    }

    static Zone zone(String rulesets) {
        return ConfigLoader.parse("""
                listeners: [ { address: 127.0.0.1:8080 } ]
                zones:
                  - name: example.com
                    dns_records:
                      - { type: A, name: example.com, content: 10.0.0.1 }
                      - { type: A, name: backend.example.com, content: 10.0.0.9 }
                    rulesets:
                %s""".formatted(rulesets.indent(6)), Path.of(".")).zones().get(0);
    }

    Verdict run(ZoneWaf waf, String uri, String ip, long now, String... headers) throws Exception {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        list.add(Map.entry("Host", "example.com"));
        for (String h : headers) {
            int colon = h.indexOf(':');
            list.add(Map.entry(h.substring(0, colon), h.substring(colon + 1).trim()));
        }
        return waf.evaluate(RequestFields.of(new RequestFields.Request("GET", uri, "HTTP/1.1", list, "example.com",
                InetAddress.getByName(ip), true, "ray", 443), waf.fields()), now).toCompletableFuture().get();
    }

    Verdict run(ZoneWaf waf, String uri, String... headers) throws Exception {
        return run(waf, uri, "198.51.100.1", System.currentTimeMillis(), headers);
    }

    @Test
    void skipPhasesLeavesLaterPhasesOutAndSkipCurrentOnlyTheRestOfTheRuleset() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(zone("""
                - phase: http_request_firewall_custom
                  rules:
                    - { id: trusted, expression: 'http.request.headers["x-trusted"][0] eq "1"', action: skip, action_parameters: { phases: [http_request_firewall_managed], products: [rateLimit] } }
                    - { id: partner, expression: 'http.request.headers["x-partner"][0] eq "1"', action: skip, action_parameters: { ruleset: current } }
                    - { id: no-admin, expression: 'http.request.uri.path eq "/admin"', action: block }
                - phase: http_ratelimit
                  rules:
                    - { id: rl, expression: "true", action: block, ratelimit: { characteristics: [cf.colo.id, ip.src], period: 10, requests_per_period: 1 } }
                - phase: http_request_firewall_managed
                  rules:
                    - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }
                """), runtime);
        String attack = "/ws?q=1%27%20union%20select%20password%20from%20users--";
        Verdict managed = run(waf, attack, "192.0.2.1", 0);
        assertThat(managed.action()).isEqualTo(RuleAction.BLOCK);
        assertThat(managed.source()).isEqualTo(Verdict.FIREWALL_MANAGED);
        assertThat(managed.attackScore()).isLessThan(20);

        // skip: managed rules and (through the product name) rate limiting are not run, custom rules go on
        Verdict trusted = run(waf, attack, "192.0.2.2", 0, "X-Trusted: 1");
        assertThat(trusted.terminates()).isFalse();
        assertThat(trusted.actions()).containsExactly("skip");
        assertThat(trusted.attackScore()).isZero(); // managed rules never ran
        assertThat(run(waf, "/admin", "192.0.2.3", 0, "X-Trusted: 1").ruleIds()).containsExactly("trusted", "no-admin");

        // skip current: the rest of the custom rules is not run, later phases are
        Verdict partner = run(waf, "/admin", "192.0.2.4", 0, "X-Partner: 1");
        assertThat(partner.terminates()).isFalse();
        assertThat(partner.actions()).containsExactly("skip");
        Verdict partnerAgain = run(waf, "/admin", "192.0.2.4", 1, "X-Partner: 1");
        assertThat(partnerAgain.source()).isEqualTo(Verdict.RATE_LIMIT); // rate limiting still ran
    }

    @Test
    void rateLimitPassesNThenRefusesHoldsTheMitigationAndCountsPerCharacteristic() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(zone("""
                - phase: http_ratelimit
                  rules:
                    - id: upgrades
                      expression: 'http.request.uri.path eq "/ws"'
                      action: block
                      ratelimit: { characteristics: [cf.colo.id, ip.src], period: 10, requests_per_period: 3, mitigation_timeout: 60 }
                """), runtime);
        long t = 1_000_000;
        for (int i = 0; i < 3; i++) {
            assertThat(run(waf, "/ws", "203.0.113.5", t + i).terminates()).isFalse();
        }
        Verdict fourth = run(waf, "/ws", "203.0.113.5", t + 3);
        assertThat(fourth.action()).isEqualTo(RuleAction.BLOCK);
        assertThat(fourth.ruleId()).isEqualTo("upgrades");
        assertThat(fourth.retryAfterSeconds()).isEqualTo(60);
        assertThat(run(waf, "/ws", "203.0.113.6", t + 4).terminates()).isFalse(); // another address has its own counter
        assertThat(run(waf, "/other", "203.0.113.5", t + 5).terminates()).isFalse(); // the rule's expression does not match
        // the period ends after 10 s, but the mitigation timeout holds for 60 s
        assertThat(run(waf, "/ws", "203.0.113.5", t + 30_000).retryAfterSeconds()).isEqualTo(31); // 30.003 s left, rounded up
        assertThat(run(waf, "/ws", "203.0.113.5", t + 60_004).terminates()).isFalse();
    }

    @Test
    void withoutMitigationTimeoutOnlyRequestsOverTheLimitAreRefusedUntilThePeriodEnds() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(zone("""
                - phase: http_ratelimit
                  rules:
                    - id: by-key
                      expression: "true"
                      action: block
                      action_parameters: { response: { status_code: 429, content: '{"error":"slow down"}', content_type: application/json } }
                      ratelimit:
                        characteristics: [cf.colo.id, 'http.request.headers["x-api-key"][0]']
                        period: 10
                        requests_per_period: 2
                        counting_expression: 'not http.request.uri.path eq "/health"'
                """), runtime);
        assertThat(run(waf, "/health", "192.0.2.1", 0, "X-Api-Key: a").terminates()).isFalse();
        assertThat(run(waf, "/health", "192.0.2.1", 1, "X-Api-Key: a").terminates()).isFalse(); // not counted
        assertThat(run(waf, "/ws", "192.0.2.1", 2, "X-Api-Key: a").terminates()).isFalse();
        assertThat(run(waf, "/ws", "192.0.2.2", 3, "X-Api-Key: a").terminates()).isFalse(); // same key, other address
        Verdict over = run(waf, "/ws", "192.0.2.3", 4, "X-Api-Key: a");
        assertThat(over.terminates()).isTrue();
        assertThat(over.response().content()).isEqualTo("{\"error\":\"slow down\"}");
        assertThat(over.retryAfterSeconds()).isEqualTo(10);
        assertThat(run(waf, "/ws", "192.0.2.3", 5, "X-Api-Key: b").terminates()).isFalse();
        assertThat(run(waf, "/ws", "192.0.2.3", 10_000, "X-Api-Key: a").terminates()).isFalse(); // a new period
    }

    @Test
    void originRulesRouteAndLaterRulesWin() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(zone("""
                - phase: http_request_origin
                  rules:
                    - { expression: 'starts_with(http.request.uri.path, "/ws")', action: route, action_parameters: { origin: { host: backend.example.com, port: 9001 } } }
                    - { expression: 'http.request.uri.path eq "/ws/v2"', action: route, action_parameters: { host_header: v2.internal, origin: { port: 9002 } } }
                """), runtime);
        Verdict v1 = run(waf, "/ws");
        assertThat(v1.originHost()).isEqualTo("backend.example.com");
        assertThat(v1.originPort()).isEqualTo(9001);
        assertThat(v1.hostHeader()).isNull();
        Verdict v2 = run(waf, "/ws/v2");
        assertThat(v2.originHost()).isEqualTo("backend.example.com");
        assertThat(v2.originPort()).isEqualTo(9002);
        assertThat(v2.hostHeader()).isEqualTo("v2.internal");
        assertThat(run(waf, "/other").originPort()).isZero();
        assertThat(v1.actions()).isEmpty(); // routing is not a security action
    }

    @Test
    void aChallengeIsPassedWithAValidClearanceOnly() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(zone("""
                - phase: http_request_firewall_custom
                  rules:
                    - { id: chal, expression: 'http.request.uri.path eq "/ws"', action: managed_challenge }
                """), runtime);
        Verdict challenged = run(waf, "/ws", "Cookie: cf_clearance=forged.value", "User-Agent: ua");
        assertThat(challenged.action()).isEqualTo(RuleAction.MANAGED_CHALLENGE);
        assertThat(Verdict.logName(challenged.action())).isEqualTo("managedChallenge");

        InetAddress client = InetAddress.getByName("198.51.100.1");
        String challenge = runtime.clearances().challenge("example.com", client, System.currentTimeMillis());
        String clearance = runtime.clearances().solve(challenge, ChallengeWork.solve(challenge, runtime.clearances().difficulty()),
                "example.com", client, "ua", System.currentTimeMillis());
        assertThat(run(waf, "/ws", "Cookie: cf_clearance=" + clearance, "User-Agent: ua").terminates()).isFalse();
        assertThat(run(waf, "/ws", "Cookie: cf_clearance=" + clearance, "User-Agent: another").terminates()).isTrue();
    }

    @Test
    void badRulesNameTheirZonePhaseAndRule() {
        assertThatThrownBy(() -> ZoneWaf.compile(zone("""
                - phase: http_ratelimit
                  rules:
                    - { id: rl, expression: "true", action: block, ratelimit: { characteristics: ['http.request.headers["x"][*]'], period: 10, requests_per_period: 1 } }
                """), runtime)).hasMessageStartingWith("zone example.com, http_ratelimit, rule rl: column 1: expected one value, but it is one Bytes per element (wrap it in any() or all())");
        assertThatThrownBy(() -> ZoneWaf.compile(zone("""
                - phase: http_request_firewall_managed
                  rules:
                    - { id: m, expression: "true", action: execute, action_parameters: { id: 0123456789abcdef0123456789abcdef } }
                """), runtime)).hasMessageStartingWith("zone example.com, http_request_firewall_managed, rule m: execute: 0123456789abcdef0123456789abcdef (expected: 4814384a9e5d4991b9815dcfc25d2f1f");
    }

    /** The API and the reload build their answers from these fields, never from the message's text. */
    @Test
    void aBadRuleIsAStructuredErrorWithItsZonePhaseRuleAndColumn() {
        assertThatThrownBy(() -> ZoneWaf.compile(zone("""
                - phase: http_request_firewall_custom
                  rules:
                    - { id: fine, expression: "true", action: log }
                    - { id: typo, expression: 'ip.src eq 1.2.3.4 and http.hots eq "x"', action: block }
                """), runtime))
                .isInstanceOfSatisfying(RuleCompileException.class, e -> {
                    assertThat(e.zone()).isEqualTo("example.com");
                    assertThat(e.phase()).isEqualTo(Phase.HTTP_REQUEST_FIREWALL_CUSTOM);
                    assertThat(e.ruleId()).isEqualTo("typo");
                    assertThat(e.column()).isEqualTo(23);
                    assertThat(e.problem()).startsWith("column 23: unknown field http.hots");
                });
        assertThatThrownBy(() -> ZoneWaf.compile(zone("""
                - phase: http_request_firewall_custom
                  rules:
                    - { id: listed, expression: 'ip.src in $office', action: block }
                """), runtime, Set.of()))
                .isInstanceOfSatisfying(RuleCompileException.class, e -> {
                    assertThat(e.phase()).isEqualTo(Phase.HTTP_REQUEST_FIREWALL_CUSTOM);
                    assertThat(e.ruleId()).isEqualTo("listed");
                    assertThat(e.column()).isZero(); // the rule parsed; the list is what is missing
                    assertThat(e.problem()).isEqualTo("$office is not a list (expected one of: none defined)");
                });
    }
}
