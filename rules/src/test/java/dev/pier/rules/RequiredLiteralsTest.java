package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The literals read from a pattern, and that they never rule out an input the pattern matches. */
class RequiredLiteralsTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', nullValues = "none", value = {
        "(?i)(union|select).*5;              union|select",
        "union\\s+select;                    select",
        "\\bpassword\\b;                      password",
        "^/admin/[0-9]+$;                     /admin/",
        "ab+c;                                a",
        "colou?r;                             colo",
        "(foo|bar)bazz;                       bazz",
        "(foo|bar)ba;                         foo|bar",
        "(?:etc|proc)/passwd|win\\.ini;       /passwd|win.ini",
        "a.*b;                                a",
        "x{2,}yz;                             yz",
        "\\d+;                                none",
        "[a-z]+;                              none",
        "(a|);                                none",
        "(?s)anything;                        none",
        "abc(?i)def;                          none",
    })
    void readsWhatEveryMatchContains(String regex, String expected) {
        RequiredLiterals r = RequiredLiterals.of(regex.trim());
        if (expected == null) {
            assertThat(r).isNull();
        } else {
            assertThat(r.literals()).containsExactlyInAnyOrder(expected.trim().split("\\|"));
        }
    }

    /**
     * Braces that do not form a repetition RE2 accepts ({@code {n}}, {@code {n,}}, {@code {n,m}},
     * no leading zero) are plain text to RE2. Read as a repetition, {@code a{1,|x}} looked like
     * "a, at least once" and the prefilter wanted an "a", while RE2 reads {@code a\{1,|x\}} and
     * matches "x}": the rule stopped matching (found by RequiredLiteralsDifferentialTest).
     */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "a{1,|x};          x}",
        "ab{01}c;          ab{01}c",
        "ab{x}c;           ab{x}c",
        "ab{1,x}c;         ab{1,x}c",
        "ab{,2}c;          ab{,2}c",
        "ab{ 1}c;          ab{ 1}c",
        "\\.{01}&|zz;      .{01}&",
    })
    void bracesThatAreNotARepetitionAreText(String regex, String input) {
        String text = input.trim();
        Pattern pattern = Pattern.compile(regex.trim());
        assertThat(pattern.matcher(text).find()).as("RE2 matches").isTrue();
        RequiredLiterals required = RequiredLiterals.of(regex.trim());
        assertThat(required == null || required.mayMatch(text)).as("the prefilter lets %s through", text).isTrue();
        Expression rule = Expression.parse(StandardFields.requestScheme(), "http.host matches r\"" + regex.trim() + "\"");
        assertThat(rule.matches(new Context(StandardFields.requestScheme()).set("http.host", text))).isTrue();
    }

    @Test
    void repetitionsKeepTheirMeaning() {
        assertThat(RequiredLiterals.of("xa{1}bc").literals()).containsExactly("xabc");
        assertThat(RequiredLiterals.of("xa{2}bcd").literals()).containsExactly("bcd");
        assertThat(RequiredLiterals.of("xyz{0}ab").literals()).containsExactly("xy");
        assertThat(RequiredLiterals.of("xa{1,}bc").literals()).containsExactly("bc");
        assertThat(RequiredLiterals.of("ab{,2}cd").literals()).containsExactly("ab{,2}cd");
        assertThat(RequiredLiterals.of("{2}")).isNull();
    }

    @Test
    void wildcardsNeedTheirLongestLiteralPart() {
        assertThat(RequiredLiterals.ofWildcard("https://*.attacker.test", true).literals()).containsExactly(".attacker.test");
        assertThat(RequiredLiterals.ofWildcard("*A*", false)).isNull();
        assertThat(RequiredLiterals.ofWildcard("a\\*b*", true)).isNull();
        assertThat(RequiredLiterals.ofWildcard("*EvilBot*", true).mayMatch("Mozilla evilbot/2")).isTrue();
        assertThat(RequiredLiterals.ofWildcard("*EvilBot*", false).mayMatch("Mozilla evilbot/2")).isFalse();
    }

    @Test
    void caseFoldingAgreesWithRe2BeyondAscii() {
        // RE2's (?i) folds the long s and the Kelvin sign to s and k: the prefilter must not rule them out
        for (String input : new String[] {"\u017Felect", "SELECT", "\u212Aeep"}) {
            String regex = input.endsWith("eep") ? "(?i)keep" : "(?i)select";
            assertThat(Pattern.compile(regex).matcher(input).find()).as(input).isTrue();
            assertThat(RequiredLiterals.of(regex).mayMatch(input)).as(input).isTrue();
        }
        assertThat(RequiredLiterals.of("(?i)\u0130stanbul")).isNull(); // a non-ASCII literal under (?i): no prefilter
    }

    @Test
    void unclosedPosixClassesEndTheReadingInsteadOfLooping() {
        assertThat(RequiredLiterals.of("[[:a]x")).isNull();
        assertThat(RequiredLiterals.of("ab[[:alpha:]]cd")).isNotNull();
    }

    static final List<String> PATTERNS = List.of("(?i)(union|select).*5", "union\\s+select", "\\bpass(word)?\\b", "ab+c",
            "colou?r", "(foo|bar)baz", "(?:etc|proc)/passwd|win\\.ini", "a.*b", "x{2,}yz", "(?i)script\\s*>", "o(ne|nce)+",
            "(?i)\\b(sleep|benchmark)\\s*\\(", "<\\s*/?\\s*(script|iframe)\\b", "\\$\\{(jndi|env):", "a\\.b|c\\-d", "(ab){2}c");

    /** Random inputs over the patterns' own characters: wherever a pattern matches, its literals are there. */
    @Test
    void neverRulesOutAMatch() {
        Random random = new Random(42);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCSELUNIO5 ./\\-<>(){}$:_";
        int matches = 0;
        for (String regex : PATTERNS) {
            Pattern p = Pattern.compile(regex);
            RequiredLiterals r = RequiredLiterals.of(regex);
            for (int i = 0; i < 20_000; i++) {
                StringBuilder s = new StringBuilder();
                int n = random.nextInt(12);
                for (int k = 0; k < n; k++) {
                    s.append(random.nextInt(4) == 0 && r != null ? r.literals().get(random.nextInt(r.literals().size()))
                            : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
                }
                String input = s.toString();
                if (p.matcher(input).find()) {
                    matches++;
                    assertThat(r == null || r.mayMatch(input)).as(regex + " on " + input).isTrue();
                }
            }
        }
        assertThat(matches).isGreaterThan(1000);
    }
}
