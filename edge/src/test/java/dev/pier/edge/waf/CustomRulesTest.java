package dev.pier.edge.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import org.junit.jupiter.api.Test;

/** Custom rules on the upgrade request, end to end through the edge to a Jetty origin. */
class CustomRulesTest extends EdgeWithJettyOrigin {

    /** Appended to the zone's rulesets list (the test zone's origin rule comes first). */
    static final String RULES = """
                  - phase: http_request_firewall_custom
                    rules:
                      - id: allow-office
                        expression: 'ip.src in {192.0.2.0/24}'
                        action: skip
                        action_parameters: { ruleset: current }
                      - id: note-curl
                        expression: 'http.user_agent contains "curl"'
                        action: log
                      - id: no-admin-socket
                        expression: 'http.request.uri.path eq "/admin" and any(http.request.headers["upgrade"][*] eq "websocket")'
                        action: block
                      - id: token-required
                        expression: 'http.request.uri.path eq "/echo" and not http.request.uri.args["token"][0] eq "let-me-in"'
                        action: block
                        action_parameters:
                          response: { status_code: 401, content: '{"error":"token required"}', content_type: application/json }
                      - id: bad-bots
                        expression: 'lower(http.user_agent) wildcard "*evilbot*"'
                        action: block
                      - id: banned-range
                        expression: 'ip.src in {127.0.0.2/31 192.0.2.0/24}'
                        action: block
                      - id: bad-client-header
                        expression: 'http.request.headers["x-client"][0] eq "scraper"'
                        action: block
                      - id: disabled-rule
                        expression: 'http.host eq "localhost"'
                        action: block
                        enabled: false
            """;

    TestEdge withRules() {
        return TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "") + RULES);
    }

    @Test
    void aBlockedUpgradeNeverReachesTheOriginAndIsLoggedOnce() throws Exception {
        try (TestEdge edge = withRules()) {
            int before = origin.upgrades.get();
            String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo?token=wrong", "localhost"));
            assertThat(response).startsWith("HTTP/1.1 401").contains("content-type: application/json")
                    .endsWith("{\"error\":\"token required\"}");
            assertThat(origin.upgrades.get()).isEqualTo(before);
            RequestLog log = edge.nextLog();
            assertThat(log.securityAction()).isEqualTo("block");
            assertThat(log.securityRuleId()).isEqualTo("token-required");
            assertThat(log.securityActions()).containsExactly("block");
            assertThat(log.securityRuleIds()).containsExactly("token-required");
            assertThat(log.securitySources()).containsExactly("firewallCustom");
            assertThat(log.edgeResponseStatus()).isEqualTo(401);
            assertThat(edge.edge.usage().zone("localhost").requests()).isEqualTo(1);
            assertThat(edge.drainLogs(java.time.Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void rulesBlockUpgradesByPathHeaderAddressRangeAndUserAgent() throws Exception {
        try (TestEdge edge = withRules()) {
            assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/admin", "localhost")))
                    .startsWith("HTTP/1.1 403").contains("A security rule of this zone blocked the request.").contains("no-admin-socket");
            assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo?token=let-me-in", "localhost", "User-Agent: EvilBot/2.0")))
                    .startsWith("HTTP/1.1 403");
            assertThat(RawHttp.head(edge.port(), "127.0.0.2", RawHttp.upgrade("/echo?token=let-me-in", "localhost")))
                    .startsWith("HTTP/1.1 403"); // 127.0.0.2 is in the banned range
            assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo?token=let-me-in", "localhost", "X-Client: scraper")))
                    .startsWith("HTTP/1.1 403");
            assertThat(RawHttp.head(edge.port(), "127.0.0.1", RawHttp.upgrade("/echo?token=let-me-in", "localhost", "X-Client: app")))
                    .startsWith("HTTP/1.1 101"); // none of them applies
            // each connection logs on its own event loop: records may arrive in any order
            java.util.List<String> refusedBy = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                refusedBy.add(edge.nextLog().securityRuleId());
            }
            assertThat(refusedBy).containsExactlyInAnyOrder("no-admin-socket", "bad-bots", "banned-range", "bad-client-header", null);
        }
    }

    @Test
    void anAllowedUpgradeIsNeverInspectedAgain() throws Exception {
        try (TestEdge edge = withRules()) {
            WsClient client = WsClient.connect(edge.ws("/echo?token=let-me-in"));
            String attack = "' OR 1=1 -- <script>alert(1)</script> ../../etc/passwd EvilBot /admin";
            client.socket.sendText(attack, true).join();
            assertThat(client.next()).isEqualTo("text:" + attack); // the WAF looked at the upgrade only
            client.socket.sendClose(1000, "").join();
            assertThat(client.next()).startsWith("close:1000");
            RequestLog log = edge.nextLog();
            assertThat(log.webSocket()).isTrue();
            assertThat(log.securityAction()).isNull();
            assertThat(log.securityActions()).isNull();
        }
    }

    @Test
    void logRulesNoteAndGoOnAndSkipEndsThePhase() throws Exception {
        try (TestEdge edge = withRules()) {
            assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost", "User-Agent: curl/8.0")))
                    .startsWith("HTTP/1.1 401"); // logged by note-curl, then blocked by token-required
            RequestLog log = edge.nextLog();
            assertThat(log.securityActions()).containsExactly("log", "block");
            assertThat(log.securityRuleIds()).containsExactly("note-curl", "token-required");
            assertThat(log.securitySources()).containsExactly("firewallCustom", "firewallCustom");
            assertThat(log.securityRuleId()).isEqualTo("token-required");

            String plain = RawHttp.exchange(edge.port(), "GET /hello HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/8\r\nConnection: close\r\n\r\n");
            assertThat(plain).startsWith("HTTP/1.1 200"); // plain HTTP is checked too; only the log rule matched
            RequestLog logged = edge.nextLog();
            assertThat(logged.securityAction()).isNull(); // log does not end the request
            assertThat(logged.securityActions()).containsExactly("log");
            assertThat(logged.securityRuleIds()).containsExactly("note-curl");
        }
        // the office range skips the remaining custom rules: an upgrade without a token passes
        String fromOffice = TestEdge.zoneYaml("localhost", origin.port(), "") + RULES.replace("192.0.2.0/24", "127.0.0.0/8");
        try (TestEdge edge = TestEdge.fromYaml(fromOffice)) {
            WsClient client = WsClient.connect(edge.ws("/echo"));
            client.socket.sendText("from the office", true).join();
            assertThat(client.next()).isEqualTo("text:from the office");
            client.socket.sendClose(1000, "").join();
            client.next();
            RequestLog skipped = edge.nextLog();
            assertThat(skipped.securityActions()).containsExactly("skip");
            assertThat(skipped.securityRuleIds()).containsExactly("allow-office");
            assertThat(skipped.webSocket()).isTrue();
        }
    }

    @Test
    void anInvalidRuleIsRejectedWithItsZoneRuleAndColumn() throws Exception {
        String bad = TestEdge.zoneYaml("localhost", origin.port(), "") + """
                      - phase: http_request_firewall_custom
                        rules:
                          - { id: typo, expression: 'http.hots eq "x"', action: block }
                """;
        assertThatThrownBy(() -> TestEdge.fromYaml(bad))
                .hasMessageContaining("zone localhost, http_request_firewall_custom, rule typo: column 1: unknown field http.hots");
        String unknownList = TestEdge.zoneYaml("localhost", origin.port(), "") + """
                      - phase: http_request_firewall_custom
                        rules:
                          - { id: office-only, expression: 'not ip.src in $office', action: block }
                """;
        assertThatThrownBy(() -> TestEdge.fromYaml(unknownList))
                .hasMessageContaining("zone localhost, http_request_firewall_custom, rule office-only: $office is not a list (expected one of: none defined)");
        try (TestEdge withList = TestEdge.fromYaml("lists: { office: [\"127.0.0.0/8\"] }\n" + unknownList)) {
            org.assertj.core.api.Assertions.assertThat(RawHttp.head(withList.port(), "127.0.0.1", RawHttp.upgrade("/echo", "localhost")))
                    .startsWith("HTTP/1.1 101"); // 127.0.0.1 is in $office
        }
    }
}
