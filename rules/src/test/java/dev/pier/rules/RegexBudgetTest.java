package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile regular expressions are refused while the rule is parsed, before RE2 compiles (and
 * expands) them: a rule that anyone with Zone Read can send to validate-expr must not be able
 * to fill the heap. Ordinary patterns, however long, still parse.
 */
class RegexBudgetTest {

    static final Scheme SCHEME = StandardFields.requestScheme();

    @ParameterizedTest
    @ValueSource(strings = {
            "((a{1000}){1000}){1000}", "(a{1000}){1000}", "(a{1000}){11}", "(((((a{10}){10}){10}){10}){10})",
            "(x{1000}){1000,}", "([a-z]{1,1000}){1,1000}", "(?:(?:a{100}){100}){100}", "(\\Qaaaaaaaaaa\\E){1000}",
            "((a|b|c|d|e|f|g|h){100}){100}", "(a{1000}|b{1000}|c{1000}|d{1000}|e{1000}|f{1000}|g{1000}|h{1000}|i{1000}|j{1000}|k{1000})"})
    void aPatternThatExpandsBeyondTheBudgetIsRefusedBeforeCompiling(String regex) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Expression.parse(SCHEME, "http.request.uri.path matches \"" + regex.replace("\\", "\\\\") + "\""))
                .isInstanceOf(RuleException.class)
                .hasMessageContaining("the regular expression is too complex")
                .hasMessageContaining("^"); // the error points at the pattern's column
        // Refused by reading the pattern, not by compiling it: no budget of time is needed for that.
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a{1000}", "(a{100}){99}", "^/api/v[0-9]+/(users|items)/\\d+$", "(?i)chrome/1[0-9]{2}",
            "[a-z0-9]{1,255}\\.[a-z]{2,63}", "x{0,1000}y{0,1000}z{0,1000}"})
    void ordinaryPatternsStillParse(String regex) {
        Expression rule = Expression.parse(SCHEME, "http.request.uri.path matches \"" + regex.replace("\\", "\\\\") + "\"");
        assertThat(rule).isNotNull();
    }

    @Test
    void compiledPatternsAreCachedWithinABoundWhateverIsSent() {
        for (int i = 0; i < 500; i++) { // distinct 3,900-character wildcards kept 90 MB for good when the cache was unbounded
            String wildcard = "/" + i + "*" + "x".repeat(3_900);
            assertThat(Expression.parse(SCHEME, "http.request.uri.path wildcard \"" + wildcard + "\"")).isNotNull();
        }
        Regexes.CACHE.cleanUp();
        long weight = Regexes.CACHE.policy().eviction().orElseThrow().weightedSize().orElseThrow();
        assertThat(weight).isLessThanOrEqualTo(256 * 1024);
        assertThat(Regexes.CACHE.estimatedSize()).isLessThan(100);
    }

    @Test
    void theEstimateMultipliesNestedCountsAndAddsEverythingElse() {
        assertThat(RegexCost.of("abc")).isEqualTo(3);
        assertThat(RegexCost.of("a{1000}")).isEqualTo(1000);
        assertThat(RegexCost.of("(ab){3}")).isEqualTo(9); // (a, b and the group) three times
        assertThat(RegexCost.of("a{2,}")).isEqualTo(4); // a, a, and a* (a choice and an a)
        assertThat(RegexCost.of("a{1,3}")).isEqualTo(5); // a(a(a)?)?: each optional copy is a choice and an a
        assertThat(RegexCost.of("[a-z{}]{10}")).isEqualTo(10); // braces inside a class are no count
        assertThat(RegexCost.of("a{x}")).isEqualTo(4); // not a count: literal characters
        assertThat(RegexCost.of("((a{1000}){1000}){1000}")).isGreaterThan(1_000_000_000L);
        assertThat(RegexCost.of("(".repeat(40) + "a{1000}" + "){1000}".repeat(40))).isEqualTo(Long.MAX_VALUE / 2); // saturates
    }
}
