package dev.pier.edge.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through the edge: a request whose rules would spend more than waf.rule_budget is refused with
 * 403 RULE_BUDGET_EXCEEDED and never reaches the origin (an upgrade request as much as plain
 * HTTP); the request log names the rule where the budget ran out. A request the rules can judge
 * within the budget goes on as before, and a larger budget judges what the default refuses.
 */
class RuleBudgetTest {

    static final String RULES = """
                  - phase: http_request_firewall_custom
                    rules:
                      - { id: heavy, expression: 'http.request.uri.path matches "(a{100}){99}" and http.host eq "nowhere"', action: block }
            """;
    static final String LONG = "/" + "a".repeat(10_000);

    JettyOrigin origin;

    @BeforeEach
    void start() throws Exception {
        origin = new JettyOrigin();
    }

    @AfterEach
    void stop() throws Exception {
        origin.close();
    }

    @Test
    void aRequestTheRulesCannotJudgeWithinTheBudgetIsRefusedAndNeverReachesTheOrigin() throws Exception {
        try (TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "") + RULES)) {
            String refused = RawHttp.exchange(edge.port(), RawHttp.upgrade(LONG, "localhost"));
            assertThat(refused).startsWith("HTTP/1.1 403").contains("evaluation budget").doesNotContain("refused by origin");
            assertThat(origin.upgrades.get()).isZero();
            RequestLog log = edge.nextLog();
            assertThat(log.edgeError()).isEqualTo("RULE_BUDGET_EXCEEDED");
            assertThat(log.securityAction()).isEqualTo("block");
            assertThat(log.securityRuleId()).isEqualTo("heavy");
            assertThat(log.securitySources()).containsExactly("firewallCustom");
            assertThat(log.edgeResponseStatus()).isEqualTo(403);

            String plain = RawHttp.exchange(edge.port(), "GET " + LONG + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(plain).startsWith("HTTP/1.1 403");
            assertThat(origin.httpRequests.get()).isZero();
            assertThat(edge.nextLog().edgeError()).isEqualTo("RULE_BUDGET_EXCEEDED");

            // the same rule on a short path is judged (it does not match) and the request goes on
            String judged = RawHttp.exchange(edge.port(), "GET /" + "a".repeat(50) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(judged).startsWith("HTTP/1.1 403").contains("refused by origin"); // the origin's answer to a path it does not serve
            assertThat(origin.httpRequests.get()).isEqualTo(1);
            assertThat(edge.nextLog().edgeError()).isNull();
        }
    }

    @Test
    void aLargerBudgetJudgesTheRequestTheDefaultRefuses() throws Exception {
        String yaml = TestEdge.zoneYaml("localhost", origin.port(), "") + RULES + "waf:\n  rule_budget: 200000000\n";
        try (TestEdge edge = TestEdge.fromYaml(yaml)) {
            String judged = RawHttp.exchange(edge.port(), "GET " + LONG + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            // judged (no match) and forwarded: Jetty itself refuses a URI this long
            assertThat(judged).startsWith("HTTP/1.1 414").contains("Server: Jetty");
            assertThat(edge.nextLog().edgeError()).isNull();
        }
    }
}
