package dev.pier.waf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every attack of the corpora, wrapped in a comment or behind another construct that one of
 * the managed rules' transformations removes, is blocked whenever the attack alone is: what a
 * transformation erases must never hide an attack. Each wrapper is applied to every place an
 * attacker controls in the request (each query argument, the path, each cookie and each
 * header value but the handshake's), so the attack is wrapped wherever it sits.
 */
class EvasionWrappingTest {

    /** What goes around the attack: {@code prefix + attack + suffix}, as the application would see it (decoded). */
    record Wrapper(String name, String prefix, String suffix) {
        String around(String attack) {
            return prefix + attack + suffix;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Wrapper> WRAPPERS = List.of(
            new Wrapper("SQL/C block comment", "/* ", " */"),
            new Wrapper("block comment glued to a value", "x/*", "*/"),
            new Wrapper("block comment without spaces", "/*", "*/"),
            new Wrapper("nested block comment", "/*/**/ ", " */"),
            new Wrapper("unclosed block comment", "/* ", ""),
            new Wrapper("MySQL versioned comment", "/*!50000 ", " */"),
            new Wrapper("HTML comment", "<!-- ", " -->"),
            new Wrapper("SQL line comment, attack after it", "-- ", ""),
            new Wrapper("hash comment, attack after it", "# ", ""),
            new Wrapper("attack between two block comments", "/**/", "/**/"));

    /** Headers the harness adds or that frame the request: wrapping them tests HTTP, not the managed rules. */
    private static final Set<String> HANDSHAKE = Set.of("host", "upgrade", "connection", "sec-websocket-key",
            "sec-websocket-version", "content-length", "transfer-encoding");

    static final ZoneWaf WAF = CorpusTest.managed("");
    private static final List<String> REPORT = new ArrayList<>();

    static Stream<Arguments> corpora() {
        return Stream.of("attacks.jsonl", "classes.jsonl", "holdout/attacks.jsonl")
                .flatMap(corpus -> WRAPPERS.stream().map(w -> Arguments.of(corpus, w)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("corpora")
    void aWrappedAttackIsBlockedWheneverTheAttackAloneIs(String corpus, Wrapper wrapper) throws Exception {
        int alone = 0;
        int wrapped = 0;
        List<String> hidden = new ArrayList<>();
        for (CorpusTest.Sample s : CorpusTest.load(corpus)) {
            boolean blocked = CorpusTest.verdict(WAF, s).terminates();
            CorpusTest.Sample w = wrap(s, wrapper);
            boolean wrappedBlocked = CorpusTest.verdict(WAF, w).terminates();
            alone += blocked ? 1 : 0;
            wrapped += wrappedBlocked ? 1 : 0;
            if (blocked && !wrappedBlocked) {
                hidden.add(w.uri() + " " + w.headers().subList(5, w.headers().size()));
            }
        }
        REPORT.add(String.format("%-22s %-45s alone %3d, wrapped %3d, hidden by the wrapper %d", corpus, wrapper, alone, wrapped,
                hidden.size()));
        hidden.forEach(h -> REPORT.add("    hidden: " + h));
        assertThat(alone).isPositive();
        assertThat(hidden).as("attacks the wrapper hides").isEmpty();
    }

    /** The sample with the wrapper around every query argument value, the path, every cookie value and header value. */
    static CorpusTest.Sample wrap(CorpusTest.Sample s, Wrapper w) {
        String uri = s.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        StringBuilder out = new StringBuilder("/").append(encoded(w, path.substring(1)));
        if (q >= 0) {
            out.append('?');
            String[] pairs = uri.substring(q + 1).split("&", -1);
            for (int i = 0; i < pairs.length; i++) {
                String pair = pairs[i];
                int eq = pair.indexOf('=');
                out.append(i == 0 ? "" : "&")
                        .append(eq < 0 ? encoded(w, pair) : pair.substring(0, eq + 1) + encoded(w, pair.substring(eq + 1)));
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : s.headers()) {
            String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
            UnaryOperator<String> around = v -> w.around(v).replace("\n", " "); // a header value holds no line break
            String value = HANDSHAKE.contains(name) ? h.getValue()
                    : name.equals("cookie") ? cookies(h.getValue(), around) : around.apply(h.getValue());
            headers.add(Map.entry(h.getKey(), value));
        }
        return new CorpusTest.Sample(s.category(), s.source(), out.toString(), headers);
    }

    /** The wrapper percent-encoded around a part of the request target that stays as it was sent. */
    private static String encoded(Wrapper w, String part) {
        return percent(w.prefix()) + part + percent(w.suffix());
    }

    private static String percent(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    private static String cookies(String header, UnaryOperator<String> around) {
        List<String> out = new ArrayList<>();
        for (String cookie : header.split(";")) {
            int eq = cookie.indexOf('=');
            out.add(eq < 0 ? around.apply(cookie) : cookie.substring(0, eq + 1) + around.apply(cookie.substring(eq + 1)));
        }
        return String.join(";", out);
    }

    @AfterAll
    static void report() throws Exception {
        Path out = Path.of("target", "waf-evasions.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, REPORT);
        REPORT.stream().filter(l -> !l.startsWith("    ")).forEach(System.out::println);
    }
}
