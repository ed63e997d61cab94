package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Cloudflare's wildcard semantics where Pier's differed (found by WildcardDifferentialTest). */
class WildcardsTest {

    static final Scheme SCHEME = StandardFields.requestScheme();

    static boolean host(String expression, String host) {
        return Expression.parse(SCHEME, expression).matches(new Context(SCHEME).set("http.host", host));
    }

    /** Cloudflare compares bytes, ignoring the case of ASCII letters only; RE2's (?i) folded ſ to s, K (Kelvin) to k and é to É. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            admin.*      | ADMIN.example  | true  | false
            *.example.*  | x.EXAMPLE.Com  | true  | false
            *.example.*  | x.example.Com  | true  | true
            *s*          | ſ         | false | false
            k*           | K         | false | false
            café         | CAFÉ           | false | false
            café         | CAFé           | true  | false
            café         | café           | true  | true
            """)
    void wildcardIgnoresTheCaseOfAsciiLettersOnly(String pattern, String host, boolean wildcard, boolean strict) {
        assertThat(host("http.host wildcard \"" + pattern + "\"", host)).isEqualTo(wildcard);
        assertThat(host("http.host strict wildcard \"" + pattern + "\"", host)).isEqualTo(strict);
    }

    @Test
    void escapesAndLineBreaks() {
        assertThat(host("http.host strict wildcard r\"a\\*b\"", "a*b")).isTrue();
        assertThat(host("http.host strict wildcard r\"a\\*b\"", "axb")).isFalse();
        assertThat(host("http.host strict wildcard r\"a\\\\*\"", "a\\anything")).isTrue();
        assertThat(host("http.host strict wildcard r\"a\\\\*\"", "anything")).isFalse();
        assertThat(host("http.host wildcard \"a*z\"", "a\nmiddle\nz")).isTrue();
        assertThat(host("http.host wildcard \"\"", "")).isTrue();
        assertThat(host("http.host wildcard \"\"", "a")).isFalse();
    }

    /** What Cloudflare refuses is refused when the rule is parsed, pointing at the pattern. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            r"*admin**"  | two * in a row at character 8
            r"\\d+"      | unknown escape \\d at character 1
            r"a\\?"      | unknown escape \\? at character 2
            r"admin\\"   | it ends with a lone backslash
            """)
    void invalidPatternsAreParseErrors(String literal, String problem) {
        for (String op : new String[] {"wildcard", "strict wildcard"}) {
            assertThatThrownBy(() -> Expression.parse(SCHEME, "http.host " + op + " " + literal))
                    .isInstanceOf(RuleException.class)
                    .hasMessageContaining("column " + (("http.host " + op + " ").length() + 1) + ": invalid wildcard pattern: " + problem);
        }
        assertThatThrownBy(() -> Expression.parseValue(SCHEME, "wildcard_replace(http.host, " + literal + ", \"x\")"))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("invalid wildcard pattern: " + problem);
    }

    /** Cloudflare: "it tries to match each * metacharacter with the shortest possible string". */
    @Test
    void wildcardReplaceCapturesLazily() {
        assertThat(replace("/apps/calendar/admin/login", "/apps/*/*", "${1}|${2}")).isEqualTo("calendar|admin/login");
        assertThat(replace("/apps/calendar/admin/login", "/apps/*/login", "/${1}/login")).isEqualTo("/calendar/admin/login");
        assertThat(replace("a.b.c", "*.*", "${2}")).isEqualTo("b.c");
    }

    @Test
    void wildcardReplaceExpandsOnceAndUnescapesDollars() {
        assertThat(replace("a/${1}", "*/*", "${2}")).isEqualTo("${1}"); // a capture is never expanded again
        assertThat(replace("a/b", "*/*", "$${1} costs ${2}$$")).isEqualTo("${1} costs b$");
        assertThat(replace("a/b", "*/*", "${3}${x}$")).isEqualTo("${3}${x}$");
        assertThat(replace("nomatch", "*/*", "${1}")).isEqualTo("nomatch");
        assertThat(replace("A/b", "a/*", "${1}")).isEqualTo("b");
        assertThat(Expression.parseValue(SCHEME, "wildcard_replace(http.host, \"a/*\", \"${1}\", \"s\")")
                .value(new Context(SCHEME).set("http.host", "A/b"))).isEqualTo("A/b");
    }

    private static Object replace(String host, String pattern, String replacement) {
        return Expression.parseValue(SCHEME, "wildcard_replace(http.host, r\"" + pattern + "\", r\"" + replacement + "\")")
                .value(new Context(SCHEME).set("http.host", host));
    }
}
