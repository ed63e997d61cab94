package dev.pier.edge.waf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * URL normalization before the rules, end to end: a raw client, a real edge, and an origin that
 * records every request target it receives. A rule on {@code /admin} holds for every spelling of
 * it, the origin gets nothing of a refused request, and with scope {@code both} it gets the path
 * the rules judged.
 */
class UrlNormalizationTest {

    /** Spellings of /admin that origins serve as /admin and that a rule reading the path as sent lets through. */
    static final List<String> ADMIN_SPELLINGS = List.of("/%61dmin", "/ad%6D%69n", "//admin", "///admin/users", "/./admin",
            "/x/../admin", "/x/y/../../admin", "/%2e/admin", "/%2E%2E/admin", "/x/%2e%2e/admin", "/x/.%2E/admin", "/.//admin",
            "/x//../admin", "/../../admin", "/\\admin", "/x/..\\admin", "/public/..\\../admin",
            "/admin/./", "/%61dmin?x=1");

    static final String RULES = """
                  - phase: http_request_firewall_custom
                    rules:
                      - id: no-admin
                        expression: 'starts_with(http.request.uri.path, "/admin")'
                        action: block
                      - id: no-raw-tmp
                        expression: 'starts_with(raw.http.request.uri.path, "/tmp/")'
                        action: block
                        action_parameters:
                          response: { status_code: 451, content: raw, content_type: text/plain }
            """;

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private SilentOrigins.Scripted origin;

    /** An origin that answers every request with 200 (or 101 to an upgrade) and records each request line's target. */
    @BeforeEach
    void startOrigin() throws IOException {
        origin = new SilentOrigins.Scripted((in, out) -> {
            try {
                while (true) {
                    String head = SilentOrigins.readHead(in);
                    if (head.isEmpty()) {
                        return;
                    }
                    received.add(head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/")));
                    if (head.toLowerCase(java.util.Locale.ROOT).contains("upgrade: websocket")) {
                        out.write(SilentOrigins.switchingProtocols(head));
                        out.flush();
                        in.readAllBytes();
                        return;
                    }
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\norigin".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @AfterEach
    void stopOrigin() throws IOException {
        origin.close();
    }

    private TestEdge edge(String urlNormalization) {
        String settings = urlNormalization == null ? "" : "url_normalization: " + urlNormalization;
        return TestEdge.fromYaml(TestEdge.zoneYaml("localhost", origin.port(), settings) + RULES);
    }

    private static String get(TestEdge edge, String target) throws IOException {
        return RawHttp.exchange(edge.port(), "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    @Test
    void everySpellingOfAdminIsBlockedByDefaultAndTheOriginReceivesNothing() throws Exception {
        try (TestEdge edge = edge(null)) { // Cloudflare's default: type cloudflare, scope incoming
            for (String target : ADMIN_SPELLINGS) {
                assertThat(get(edge, target)).as(target).startsWith("HTTP/1.1 403").contains("no-admin");
                RequestLog log = edge.nextLog();
                assertThat(log.securityRuleId()).as(target).isEqualTo("no-admin");
                assertThat(log.clientRequestUri()).as("the log keeps the target as sent").isEqualTo(target);
            }
            assertThat(get(edge, "/public")).startsWith("HTTP/1.1 200").endsWith("origin");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("/public");
            assertThat(received).as("nothing of a refused request reached the origin").isEmpty();
            assertThat(origin.accepted.get()).isEqualTo(1);
        }
    }

    @Test
    void withScopeIncomingTheOriginGetsTheTargetAsSent() throws Exception {
        try (TestEdge edge = edge("{ type: cloudflare, scope: incoming }")) {
            assertThat(get(edge, "/x/../public//%70age/.?q=%61&r=..//")).startsWith("HTTP/1.1 200");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("/x/../public//%70age/.?q=%61&r=..//");
        }
    }

    @Test
    void withScopeBothTheOriginGetsThePathTheRulesJudged() throws Exception {
        try (TestEdge edge = edge("{ type: cloudflare, scope: both }")) {
            assertThat(get(edge, "/x/../public//%70age/.?q=%61&r=..//")).startsWith("HTTP/1.1 200");
            assertThat(received.poll(5, TimeUnit.SECONDS)).as("the query stays as sent").isEqualTo("/public/page/?q=%61&r=..//");
            assertThat(get(edge, "/a%2fb/%7e%c3%a9\\c")).startsWith("HTTP/1.1 200");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("/a%2Fb/~%C3%A9/c");
            // an upgrade is judged and forwarded the same way
            assertThat(RawHttp.head(edge.port(), "127.0.0.1", RawHttp.upgrade("//chat/./room/%2e%2e/lobby", "localhost")))
                    .startsWith("HTTP/1.1 101");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("/chat/lobby");
            assertThat(RawHttp.exchange(edge.port(), RawHttp.upgrade("/chat/../%61dmin", "localhost"))).startsWith("HTTP/1.1 403");
            for (String target : ADMIN_SPELLINGS) {
                assertThat(get(edge, target)).as(target).startsWith("HTTP/1.1 403");
            }
            assertThat(received).isEmpty();
        }
    }

    @Test
    void aRuleOnTheRawPathSeesThePathAsSent() throws Exception {
        try (TestEdge edge = edge(null)) {
            // the raw path starts with /tmp/; the normalized one does not
            assertThat(get(edge, "/tmp/../public")).startsWith("HTTP/1.1 451").endsWith("raw");
            assertThat(edge.nextLog().securityRuleId()).isEqualTo("no-raw-tmp");
            // the normalized path starts with /tmp/; the raw one does not
            assertThat(get(edge, "/%74mp/file")).startsWith("HTTP/1.1 200");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("/%74mp/file");
        }
    }

    @Test
    void theTypeDecidesWhatIsNormalizedAndScopeNoneNothing() throws Exception {
        try (TestEdge edge = edge("{ type: rfc3986 }")) {
            assertThat(get(edge, "/x/../%61dmin")).startsWith("HTTP/1.1 403");
            assertThat(get(edge, "//admin")).as("RFC 3986 keeps empty segments").startsWith("HTTP/1.1 200");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("//admin");
        }
        try (TestEdge edge = edge("{ scope: none }")) {
            assertThat(get(edge, "/%61dmin")).as("no normalization, no protection").startsWith("HTTP/1.1 200");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("/%61dmin");
        }
    }
}
