package dev.pier.edge.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import org.junit.jupiter.api.Test;

/** Origin rules (http_request_origin, action route) choose the origin port, host and Host header. */
class OriginRulesTest {

    @Test
    void routeByPathToAnotherOriginWithAnotherHostHeader() throws Exception {
        try (JettyOrigin main = new JettyOrigin(); JettyOrigin other = new JettyOrigin()) {
            // appended to the test zone's origin ruleset, after its rule: the later rule wins where both match
            String yaml = TestEdge.zoneYaml("localhost", main.port(), "") + """
                              - expression: 'http.request.uri.path eq "/headers" and http.request.uri.args["to"][0] eq "other"'
                                action: route
                                action_parameters: { host_header: backend.internal, origin: { host: 127.0.0.1, port: %d } }
                    """.formatted(other.port());
            try (TestEdge edge = TestEdge.fromYaml(yaml)) {
                String viaMain = RawHttp.exchange(edge.port(), "GET /headers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertThat(viaMain).startsWith("HTTP/1.1 200").contains("host: localhost");
                assertThat(main.httpRequests.get()).isEqualTo(1);

                String viaOther = RawHttp.exchange(edge.port(), "GET /headers?to=other HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertThat(viaOther).startsWith("HTTP/1.1 200").contains("host: backend.internal");
                assertThat(other.httpRequests.get()).isEqualTo(1);
                assertThat(main.httpRequests.get()).isEqualTo(1);
                assertThat(edge.nextLog().securityActions()).isNull(); // routing is not a security decision
            }
        }
    }

    @Test
    void anOriginRuleCannotReachAnotherZonesOriginThroughItsRecords() throws Exception {
        try (JettyOrigin zoneB = new JettyOrigin()) {
            // zone-a.test's origin rule names zone-b.test's proxied record: zone-b.test blocks /admin, zone-a.test does not.
            String yaml = """
                    listeners:
                      - address: 127.0.0.1:0
                    timeouts: { origin_connect: 2s, origin_response: 5s }
                    zones:
                      - name: zone-a.test
                        dns_records:
                          - { type: A, name: www.zone-a.test, content: 127.0.0.1 }
                        rulesets:
                          - phase: http_request_origin
                            rules:
                              - { expression: 'true', action: route, action_parameters: { origin: { host: secret.zone-b.test, port: %1$d } } }
                      - name: zone-b.test
                        dns_records:
                          - { type: A, name: secret.zone-b.test, content: 127.0.0.1 }
                        rulesets:
                          - phase: http_request_origin
                            rules:
                              - { expression: 'true', action: route, action_parameters: { origin: { port: %1$d } } }
                          - phase: http_request_firewall_custom
                            rules:
                              - { id: no-admin, expression: 'starts_with(http.request.uri.path, "/admin")', action: block }
                    """.formatted(zoneB.port());
            try (TestEdge edge = TestEdge.fromYaml(yaml)) {
                String stolen = RawHttp.exchange(edge.port(), "GET /admin HTTP/1.1\r\nHost: www.zone-a.test\r\nConnection: close\r\n\r\n");
                // secret.zone-b.test is looked up in DNS, as any other name, and does not resolve there
                assertThat(stolen).startsWith("HTTP/1.1 523");
                assertThat(zoneB.httpRequests.get()).isZero();
                String direct = RawHttp.exchange(edge.port(), "GET /headers HTTP/1.1\r\nHost: secret.zone-b.test\r\nConnection: close\r\n\r\n");
                assertThat(direct).startsWith("HTTP/1.1 200");
                assertThat(zoneB.httpRequests.get()).isEqualTo(1);
            }
        }
    }
}
