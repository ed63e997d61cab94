package dev.pier.edge.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rate limiting rules on upgrade requests, end to end: on one edge node, and on two that share Redis. */
class RateLimitTest extends EdgeWithJettyOrigin {

    static String limit(String ruleId) {
        return """
                      - phase: http_ratelimit
                        rules:
                          - id: %s
                            expression: 'http.request.uri.path eq "/echo"'
                            action: block
                            ratelimit: { characteristics: [cf.colo.id, ip.src], period: 60, requests_per_period: 3, mitigation_timeout: 600 }
                """.formatted(ruleId);
    }

    static String upgrade() {
        return RawHttp.upgrade("/echo", "localhost");
    }

    @Test
    void nUpgradesPassTheNextIs429AndTheMitigationHoldsButNotForAnotherAddress() throws Exception {
        try (TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), "") + limit("upgrades"))) {
            int before = origin.upgrades.get();
            for (int i = 0; i < 3; i++) {
                assertThat(RawHttp.head(edge.port(), "127.0.0.1", upgrade())).startsWith("HTTP/1.1 101");
            }
            String refused = RawHttp.exchange(edge.port(), upgrade());
            assertThat(refused).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after: 600").contains("Rule upgrades.");
            assertThat(RawHttp.exchange(edge.port(), upgrade())).startsWith("HTTP/1.1 429"); // the mitigation holds
            assertThat(RawHttp.head(edge.port(), "127.0.0.2", upgrade())).startsWith("HTTP/1.1 101"); // another client
            assertThat(origin.upgrades.get() - before).isEqualTo(4);

            RequestLog log = null;
            for (int i = 0; i < 6; i++) {
                RequestLog next = edge.nextLog();
                if (next.edgeResponseStatus() == 429 && log == null) {
                    log = next;
                }
            }
            assertThat(log.securityAction()).isEqualTo("block");
            assertThat(log.securityRuleId()).isEqualTo("upgrades");
            assertThat(log.securitySources()).containsExactly("rateLimit");
            assertThat(log.edgeError()).isEqualTo("RATE_LIMITED");
        }
    }

    @Test
    void twoEdgeNodesSharingRedisEnforceOneLimit() throws Exception {
        String rule = "shared-" + UUID.randomUUID(); // a counter no earlier run has touched
        // a generous timeout: a slow reply on a loaded machine must not make a node count on its own,
        // which would let the fourth request through; this test is about sharing, not Redis's speed
        String yaml = "waf: { redis: \"redis://127.0.0.1:6379\", redis_timeout: 5s }\n" + TestEdge.zoneYaml("localhost", origin.port(), "") + limit(rule);
        try (TestEdge a = TestEdge.fromYaml(yaml); TestEdge b = TestEdge.fromYaml(yaml)) {
            assertThat(RawHttp.head(a.port(), "127.0.0.1", upgrade())).startsWith("HTTP/1.1 101");
            assertThat(RawHttp.head(b.port(), "127.0.0.1", upgrade())).startsWith("HTTP/1.1 101");
            assertThat(RawHttp.head(a.port(), "127.0.0.1", upgrade())).startsWith("HTTP/1.1 101");
            assertThat(RawHttp.exchange(b.port(), upgrade())).startsWith("HTTP/1.1 429"); // the fourth, on the other node
            assertThat(RawHttp.exchange(a.port(), upgrade())).startsWith("HTTP/1.1 429");
            assertThat(RawHttp.head(b.port(), "127.0.0.3", upgrade())).startsWith("HTTP/1.1 101");
        }
    }
}
