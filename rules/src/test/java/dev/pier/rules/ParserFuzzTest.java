package dev.pier.rules;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * Whatever text arrives, the parser either compiles it or rejects it with a {@link RuleException}
 * (never another exception, never a hang), and a compiled expression runs without failing.
 * In a normal test run this replays the inputs in {@code ParserFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} it fuzzes (see docs/RULES.md).
 */
class ParserFuzzTest {

    static final Scheme SCHEME = StandardFields.requestScheme();

    @FuzzTest(maxDuration = "60s")
    void parsesOrRejectsCleanly(byte[] input) throws Exception {
        String source = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        Expression expression;
        try {
            expression = Expression.parse(SCHEME, source);
        } catch (RuleException expected) {
            return;
        }
        Context context = new Context(SCHEME)
                .set("http.host", "example.com")
                .set("http.request.headers", Map.of("a", List.of("1")))
                .set("http.request.headers.names", List.of("a"))
                .set("ip.src", InetAddress.getByName("192.0.2.1"))
                .set("http.request.timestamp.sec", 1L)
                .set("ssl", false);
        expression.matches(context);
    }
}
