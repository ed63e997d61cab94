package dev.pier.edge.waf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.Chromium;
import dev.pier.edge.support.EdgeWithJettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * managed_challenge on a zone's pages and its WebSocket: an upgrade request without clearance
 * is refused (a WebSocket cannot run the challenge), and a real browser (headless Chromium)
 * passes the page's proof of work, gets its cf_clearance cookie and then opens the WebSocket.
 */
class ChallengeTest extends EdgeWithJettyOrigin {

    static final String CHALLENGE = """
                  - phase: http_request_firewall_custom
                    rules:
                      - id: check-browsers
                        expression: 'http.request.uri.path in {"/hello" "/echo"}'
                        action: managed_challenge
            """;

    TestEdge challenged() {
        return TestEdge.fromYaml("waf: { challenge_difficulty: 12 }\n" + TestEdge.zoneYaml("localhost", origin.port(), "") + CHALLENGE);
    }

    @Test
    void anUpgradeWithoutClearanceIsRefusedAndNeverReachesTheOrigin() throws Exception {
        try (TestEdge edge = challenged()) {
            int before = origin.upgrades.get();
            String response = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost", "Accept: text/html"));
            assertThat(response).startsWith("HTTP/1.1 403").containsIgnoringCase("cf-mitigated: challenge")
                    .contains("a WebSocket cannot run one");
            assertThat(origin.upgrades.get()).isEqualTo(before);
            RequestLog log = edge.nextLog();
            assertThat(log.securityAction()).isEqualTo("managedChallenge");
            assertThat(log.securityRuleId()).isEqualTo("check-browsers");
            assertThat(log.securitySources()).containsExactly("firewallCustom");

            String forged = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost", "Cookie: cf_clearance=9999999999.forged"));
            assertThat(forged).startsWith("HTTP/1.1 403");
            String wrongAnswer = RawHttp.exchange(edge.port(),
                    "GET /cdn-cgi/challenge-platform/verify?c=1.2.3&n=42&to=/hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(wrongAnswer).startsWith("HTTP/1.1 403").contains("The challenge answer is not valid");
        }
    }

    @Test
    void aBrowserPassesTheChallengeAndThenItsWebSocketIsLetThrough() throws Exception {
        try (TestEdge edge = challenged(); Chromium chromium = Chromium.start()) {
            chromium.open("http://localhost:" + edge.port() + "/hello");
            String body = "";
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (!body.contains("hello from jetty") && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                body = chromium.runAsync("arguments[arguments.length - 1](document.body ? document.body.innerText : '')").asText();
            }
            assertThat(body).as("the page after the challenge").contains("hello from jetty");
            JsonNode result = chromium.runAsync("""
                    const done = arguments[arguments.length - 1];
                    const ws = new WebSocket('ws://' + location.host + '/echo');
                    ws.onopen = () => ws.send('after the challenge');
                    ws.onmessage = (e) => { ws.close(1000); done({got: e.data}); };
                    ws.onerror = () => done({error: true});
                    """);
            assertThat(result.path("got").asText()).isEqualTo("after the challenge");
        }
    }
}
