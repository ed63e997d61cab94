package dev.pier.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.UrlNormalization;
import dev.pier.config.ruleset.RuleAction;
import dev.pier.rules.Context;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The URI fields the rules see: normalized as the zone says, and Cloudflare's raw.* fields as sent. */
class RequestFieldsTest {

    private static final UrlNormalization RFC3986_INCOMING =
            new UrlNormalization(UrlNormalization.Type.RFC3986, UrlNormalization.Scope.INCOMING);
    private static final UrlNormalization NONE = new UrlNormalization(UrlNormalization.Type.CLOUDFLARE, UrlNormalization.Scope.NONE);

    private final WafRuntime runtime = WafRuntime.local();

    @AfterEach
    void close() {
        runtime.close();
    }

    private static Context fields(String uri, UrlNormalization normalization, Set<String> needed) throws Exception {
        return RequestFields.of(new RequestFields.Request("GET", uri, "HTTP/1.1", List.of(Map.entry("Host", "example.com")),
                "example.com", InetAddress.getByName("192.0.2.1"), true, "ray", 443, normalization), needed);
    }

    @Test
    void theUriFieldsHoldTheNormalizedPathAndTheRawFieldsTheOneSent() throws Exception {
        Context c = fields("//x/../%61dmin/?q=%61&r=..//", UrlNormalization.DEFAULT, Set.of("raw.http.request.uri.args"));
        assertThat(c.get("http.request.uri.path")).isEqualTo("/admin/");
        assertThat(c.get("http.request.uri")).isEqualTo("/admin/?q=%61&r=..//");
        assertThat(c.get("http.request.uri.query")).isEqualTo("q=%61&r=..//");
        assertThat(c.get("http.request.full_uri")).isEqualTo("https://example.com/admin/?q=%61&r=..//");
        assertThat(c.get("raw.http.request.uri.path")).isEqualTo("//x/../%61dmin/");
        assertThat(c.get("raw.http.request.uri")).isEqualTo("//x/../%61dmin/?q=%61&r=..//");
        assertThat(c.get("raw.http.request.uri.query")).isEqualTo("q=%61&r=..//");
        assertThat(c.get("raw.http.request.full_uri")).isEqualTo("https://example.com//x/../%61dmin/?q=%61&r=..//");
        assertThat(c.get("raw.http.request.uri.args")).isEqualTo(Map.of("q", List.of("a"), "r", List.of("..//")));
        assertThat(c.get("raw.http.request.uri.args.names")).isEqualTo(List.of("q", "r"));
        assertThat(c.get("raw.http.request.uri.args.values")).isEqualTo(List.of("a", "..//"));
    }

    @Test
    void theTypeAndScopeDecideWhatTheRulesSee() throws Exception {
        Set<String> path = Set.of("http.request.uri.path");
        assertThat(fields("//x/..\\admin", RFC3986_INCOMING, path).get("http.request.uri.path")).isEqualTo("//x/..%5Cadmin");
        assertThat(fields("//a/../admin", RFC3986_INCOMING, path).get("http.request.uri.path")).isEqualTo("//admin");
        Context none = fields("//%61dmin?x", NONE, path);
        assertThat(none.get("http.request.uri.path")).isEqualTo("//%61dmin");
        assertThat(none.get("http.request.uri")).isEqualTo("//%61dmin?x");
        assertThat(none.get("raw.http.request.uri.path")).isEqualTo("//%61dmin");
    }

    /** Rules on the host alone: the path is not normalized, nor the full URI built, for them. */
    @Test
    void theUriFieldsAreFilledOnlyForRulesThatReadOne() throws Exception {
        Context host = fields("//x/../admin?q=1", UrlNormalization.DEFAULT, Set.of("http.host"));
        assertThat(host.get("http.host")).isEqualTo("example.com");
        assertThat(host.get("http.request.method")).isEqualTo("GET");
        assertThat(host.get("http.request.uri.path")).isNull();
        assertThat(host.get("http.request.full_uri")).isNull();
        assertThat(host.get("raw.http.request.uri")).isNull();
        assertThat(host.get("http.request.uri.args")).isNull();
        assertThat(host.get("http.request.headers")).isNull();
        Context query = fields("//x/../admin?q=1", UrlNormalization.DEFAULT, Set.of("http.request.uri.query"));
        assertThat(query.get("http.request.uri.query")).isEqualTo("q=1");
        assertThat(query.get("http.request.uri.path")).isEqualTo("/admin");
        assertThat(query.get("raw.http.request.full_uri")).isEqualTo("https://example.com//x/../admin?q=1");
        assertThat(fields("/a", UrlNormalization.DEFAULT, Set.of("raw.http.request.uri.path")).get("raw.http.request.uri.path")).isEqualTo("/a");
    }

    private Verdict run(ZoneWaf waf, String uri) throws Exception {
        return waf.evaluate(RequestFields.of(new RequestFields.Request("GET", uri, "HTTP/1.1", List.of(Map.entry("Host", "example.com")),
                "example.com", InetAddress.getByName("192.0.2.1"), true, "ray", 443), waf.fields()),
                System.currentTimeMillis()).toCompletableFuture().get();
    }

    @Test
    void aRuleOnThePathHoldsForEverySpellingAndARuleOnTheRawPathSeesTheSpelling() throws Exception {
        ZoneWaf waf = ZoneWaf.compile(ZoneWafTest.zone("""
                - phase: http_request_firewall_custom
                  rules:
                    - { id: odd-spelling, expression: 'starts_with(http.request.uri.path, "/admin") and not starts_with(raw.http.request.uri.path, "/admin")', action: log }
                    - { id: no-admin, expression: 'starts_with(http.request.uri.path, "/admin")', action: block }
                """), runtime);
        for (String uri : List.of("/%61dmin", "//admin", "/./admin", "/x/../admin", "/%2e/admin", "/x/%2E%2E/admin/users", "\\admin")) {
            Verdict v = run(waf, uri);
            assertThat(v.action()).as(uri).isEqualTo(RuleAction.BLOCK);
            assertThat(v.ruleIds()).as(uri).containsExactly("odd-spelling", "no-admin");
        }
        assertThat(run(waf, "/admin").ruleIds()).containsExactly("no-admin");
        assertThat(run(waf, "/public").terminates()).isFalse();
        assertThat(run(waf, "/public").ruleIds()).isEmpty();
    }

    @Test
    void theManagedRulesStillSeeThePathAsSent() throws Exception {
        // normalization takes the "../" out of the path; the managed rules look at the path as sent
        ZoneWaf waf = ZoneWaf.compile(ZoneWafTest.zone("""
                - phase: http_request_firewall_managed
                  rules:
                    - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }
                """), runtime);
        Verdict traversal = run(waf, "/static/../../../../../../srv/app/config.yml");
        assertThat(traversal.action()).isEqualTo(RuleAction.BLOCK);
        assertThat(run(waf, "/static/app.js").terminates()).isFalse();
    }
}
