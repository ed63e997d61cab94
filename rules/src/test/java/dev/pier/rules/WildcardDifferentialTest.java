package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code wildcard}, {@code strict wildcard} and {@code wildcard_replace} against
 * {@link ReferenceWildcard}, a plain backtracking matcher of Cloudflare's semantics, through the
 * whole engine (lexer, parser, compiler with its literal prefilter, {@link Wildcards}). Patterns
 * and inputs are generated: ASCII and non-ASCII letters in both cases (the long s and the Kelvin
 * sign that Unicode folds to s and k), stars, escaped stars and backslashes, and now and then
 * what Cloudflare refuses (a double star, an unknown escape, a trailing backslash).
 */
class WildcardDifferentialTest {

    private static final Scheme SCHEME = StandardFields.requestScheme();
    private static final String LETTERS = "aAsSkK\u017F\u212A\u00E9\u00C9./-";

    private static final class Tally {
        int valid;
        int invalid;
        int matched;
        int unmatched;
    }

    @Test
    void agreesWithCloudflaresSemantics() {
        Choices choices = Choices.of(new Random(1206));
        Tally tally = new Tally();
        for (int i = 0; i < 3_000; i++) {
            check(choices, tally);
        }
        assertThat(tally.valid).isGreaterThan(2_000);
        assertThat(tally.invalid).isGreaterThan(100);
        assertThat(tally.matched).isGreaterThan(1_500);
        assertThat(tally.unmatched).isGreaterThan(1_500);
    }

    @FuzzTest(maxDuration = "10m")
    void fuzzWildcards(FuzzedDataProvider data) {
        check(Choices.of(data), new Tally());
    }

    private static void check(Choices c, Tally tally) {
        String pattern = pattern(c);
        String input = input(c, pattern);
        String invalid = ReferenceWildcard.invalid(pattern);
        String literal = "r\"" + pattern + "\"";
        if (invalid != null) {
            tally.invalid++;
            for (String op : List.of("wildcard", "strict wildcard")) {
                assertThatThrownBy(() -> Expression.parse(SCHEME, "http.host " + op + " " + literal))
                        .as("%s %s (%s)", op, literal, invalid).isInstanceOf(RuleException.class);
            }
            assertThatThrownBy(() -> Expression.parseValue(SCHEME, "wildcard_replace(http.host, " + literal + ", \"x\")"))
                    .as("wildcard_replace with %s (%s)", literal, invalid).isInstanceOf(RuleException.class);
            return;
        }
        tally.valid++;
        Context context = new Context(SCHEME).set("http.host", input);
        for (boolean strict : new boolean[] {false, true}) {
            String op = strict ? "strict wildcard" : "wildcard";
            boolean expected = ReferenceWildcard.matches(pattern, input, strict);
            if (expected) {
                tally.matched++;
            } else {
                tally.unmatched++;
            }
            assertThat(Expression.parse(SCHEME, "http.host " + op + " " + literal).matches(context))
                    .as("%s %s on %s", op, literal, show(input)).isEqualTo(expected);
        }
        checkReplace(pattern, input, context, c.oneIn(2));
    }

    /** {@code wildcard_replace} puts each star's lazy capture where its {@code ${n}} is, and leaves a non-match alone. */
    private static void checkReplace(String pattern, String input, Context context, boolean strict) {
        List<String> captures = ReferenceWildcard.captures(pattern, input, strict);
        StringBuilder replacement = new StringBuilder("<");
        StringBuilder expected = new StringBuilder("<");
        int stars = captures == null ? 8 : captures.size();
        for (int n = 1; n <= Math.min(stars, 8); n++) {
            replacement.append("${").append(n).append("}|");
            if (captures != null) {
                expected.append(captures.get(n - 1)).append('|');
            }
        }
        String call = "wildcard_replace(http.host, r\"" + pattern + "\", \"" + replacement + "\"" + (strict ? ", \"s\")" : ")");
        Object result = Expression.parseValue(SCHEME, call).value(context);
        assertThat(result).as("%s on %s", call, show(input)).isEqualTo(captures == null ? input : expected.toString());
    }

    /** A pattern of literal letters, stars and escapes; one in about ten breaks one of Cloudflare's rules. */
    static String pattern(Choices c) {
        StringBuilder out = new StringBuilder();
        int tokens = c.below(9);
        boolean lastWasStar = false;
        for (int i = 0; i < tokens; i++) {
            switch (c.below(10)) {
                case 0, 1, 2 -> {
                    if (!lastWasStar || c.oneIn(30)) {
                        out.append('*');
                        lastWasStar = true;
                        continue;
                    }
                    out.append(c.charOf(LETTERS));
                }
                case 3 -> out.append(c.oneIn(2) ? "\\*" : "\\\\");
                case 4 -> out.append(c.oneIn(40) ? "\\" + c.charOf("a?.") : c.charOf(LETTERS));
                default -> out.append(c.charOf(LETTERS));
            }
            lastWasStar = false;
        }
        if (c.oneIn(60)) {
            out.append('\\');
        }
        return out.toString();
    }

    /** Mostly a walk of the pattern (stars filled in, letters in another case now and then), sometimes broken by one edit. */
    static String input(Choices c, String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                out.append(pattern.charAt(++i));
            } else if (ch == '*') {
                out.append(c.stringOf(LETTERS + "*\\\n", 3));
            } else {
                out.append(switch (c.below(6)) {
                    case 0 -> Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch);
                    case 1 -> ch == 's' || ch == 'S' ? '\u017F' : ch == 'k' || ch == 'K' ? '\u212A' : ch;
                    default -> ch;
                });
            }
        }
        if (c.oneIn(4) && !out.isEmpty()) {
            int at = c.below(out.length());
            if (c.oneIn(2)) {
                out.deleteCharAt(at);
            } else {
                out.insert(at, c.charOf(LETTERS));
            }
        }
        return out.toString();
    }

    private static String show(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
