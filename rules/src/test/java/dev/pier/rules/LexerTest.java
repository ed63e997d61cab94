package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The tokens of expressions, the columns they start at, and what the lexer refuses. */
class LexerTest {

    /** Tokens written as KIND:text@column, the end included. */
    static String lex(String source) {
        return Lexer.tokens(source).stream()
                .map(t -> t.kind() + ":" + t.text() + "@" + t.column())
                .collect(Collectors.joining(" "));
    }

    static Stream<Arguments> tokenRows() {
        return Stream.of(
                Arguments.of("http.request.uri.path eq \"/a\"", "IDENT:http.request.uri.path@1 IDENT:eq@23 STRING:/a@26 END:@30"),
                Arguments.of("a.b..c", "IDENT:a.b@1 RANGE:..@4 IDENT:c@6 END:@7"),
                Arguments.of("_x1 in $office_ips", "IDENT:_x1@1 IDENT:in@5 LIST:office_ips@8 END:@19"),
                Arguments.of("x == y != z", "IDENT:x@1 OP:==@3 IDENT:y@6 OP:!=@8 IDENT:z@11 END:@12"),
                Arguments.of("a <= b >= c < d > e",
                        "IDENT:a@1 OP:<=@3 IDENT:b@6 OP:>=@8 IDENT:c@11 OP:<@13 IDENT:d@15 OP:>@17 IDENT:e@19 END:@20"),
                Arguments.of("!a && b || c ^^ d ~ e",
                        "OP:!@1 IDENT:a@2 OP:&&@4 IDENT:b@7 OP:||@9 IDENT:c@12 OP:^^@14 IDENT:d@17 OP:~@19 IDENT:e@21 END:@22"),
                Arguments.of("f(x[*], {1..10}) [0]", "IDENT:f@1 LPAREN:(@2 IDENT:x@3 LBRACKET:[@4 STAR:*@5 RBRACKET:]@6 COMMA:,@7"
                        + " LBRACE:{@9 INT:1@10 RANGE:..@11 INT:10@13 RBRACE:}@15 RPAREN:)@16 LBRACKET:[@18 INT:0@19 RBRACKET:]@20 END:@21"),
                Arguments.of("-42 7", "INT:-42@1 INT:7@5 END:@6"),
                Arguments.of("10.0.0.0/8 192.0.2.1", "IP:10.0.0.0/8@1 IP:192.0.2.1@12 END:@21"),
                Arguments.of("::1 2001:db8::/32", "IP:::1@1 IP:2001:db8::/32@5 END:@18"),
                Arguments.of("fe80::1 a:b::c", "IP:fe80::1@1 IP:a:b::c@9 END:@15"),
                Arguments.of("1a:2::", "IP:1a:2::@1 END:@7"),
                Arguments.of("1a", "INT:1@1 IDENT:a@2 END:@3"),
                Arguments.of("beef", "IDENT:beef@1 END:@5"),
                Arguments.of("r\"a\\b\" r#\"say \"hi\"\"#", "STRING:a\\b@1 STRING:say \"hi\"@8 END:@21"),
                Arguments.of("r##\"a\"#b\"## raw", "STRING:a\"#b@1 IDENT:raw@13 END:@16"),
                Arguments.of("\"q\\\"\\\\\\n\\r\\t\\x41\"", "STRING:q\"\\\n\r\tA@1 END:@18"),
                Arguments.of("\t x \n", "IDENT:x@3 END:@6"),
                Arguments.of("", "END:@1"));
    }

    @ParameterizedTest
    @MethodSource("tokenRows")
    void tokens(String source, String expected) {
        assertThat(lex(source)).isEqualTo(expected);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("a = b", "column 3: unexpected character '='"),
                Arguments.of("a & b", "column 3: unexpected character '&'"),
                Arguments.of("a | b", "column 3: unexpected character '|'"),
                Arguments.of("a ^ b", "column 3: unexpected character '^'"),
                Arguments.of("12.x", "column 3: unexpected character '.'"),
                Arguments.of("a # b", "column 3: unexpected character '#'"),
                Arguments.of("x in $", "column 6: expected a list name after '$'"),
                Arguments.of("x eq \"abc", "column 6: this string is not closed (expected: a closing \")"),
                Arguments.of("x eq \"a\\\"", "column 6: this string is not closed (expected: a closing \")"),
                Arguments.of("x eq \"a\\", "column 6: this string is not closed (expected: a closing \")"),
                Arguments.of("x eq \"a\\qb\"", "column 8: unknown escape \\q (expected: \\\", \\\\, \\n, \\r, \\t or \\xHH)"),
                Arguments.of("x eq \"a\\x4\"", "column 8: expected two hex digits after \\x"),
                Arguments.of("x eq \"a\\x4", "column 8: expected two hex digits after \\x"),
                Arguments.of("x eq \"a\\xZZ\"", "column 8: expected two hex digits after \\x"),
                Arguments.of("x eq r#a", "column 6: expected '\"' to open the raw string"),
                Arguments.of("x eq r#\"abc\"", "column 6: this raw string is not closed (expected: \"#)"),
                Arguments.of("x eq r\"abc", "column 6: this raw string is not closed (expected: \")"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refuses(String source, String message) {
        assertThatThrownBy(() -> Lexer.tokens(source))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith(message + "\n");
    }

    /**
     * Any string survives being written as a quoted literal (with escapes) and as a raw string
     * (with enough #): the lexer gives back exactly the string, at the column it started.
     */
    @Test
    void stringLiteralsGiveBackWhatWasWritten() {
        Random random = new Random(42);
        String alphabet = "ab \"\\#\n\r\t\u0001\u007Fé\u20AC*$r{}";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String value = s.toString();
            String prefix = " ".repeat(random.nextInt(3)) + "x eq ";
            for (String literal : List.of(quoted(value, random), raw(value))) {
                List<Lexer.Token> tokens = Lexer.tokens(prefix + literal);
                assertThat(tokens).as(literal).hasSize(4);
                assertThat(tokens.get(2).kind()).isEqualTo(Lexer.Kind.STRING);
                assertThat(tokens.get(2).text()).as(literal).isEqualTo(value);
                assertThat(tokens.get(2).column()).isEqualTo(prefix.length() + 1);
                assertThat(tokens.get(3).column()).isEqualTo(prefix.length() + literal.length() + 1);
            }
        }
    }

    private static String quoted(String value, Random random) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append(random.nextBoolean() ? "\\n" : "\\x0a");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append(random.nextBoolean() ? "\\t" : "\\x09");
                default -> out.append(c < 0x20 || c == 0x7F ? String.format("\\x%02X", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    /** r"…" with as many # as it takes for the value not to contain the closing quote and hashes. */
    private static String raw(String value) {
        String hashes = "";
        while (value.contains("\"" + hashes)) {
            hashes += "#";
        }
        return "r" + hashes + "\"" + value + "\"" + hashes;
    }
}
