package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Evaluating expressions against a context spends its budget by a fixed measure (a program's
 * instructions for each character it reads, one step per character for anything else), so the
 * same request against the same rules always costs the same: a budget that covers it exactly
 * lets it run, one step less stops it before the comparison that would overspend.
 */
class EvaluationBudgetTest {

    static final Scheme SCHEME = StandardFields.requestScheme();

    static Context path(String path) {
        return new Context(SCHEME).set("http.request.uri.path", path);
    }

    @Test
    void aRegexCostsItsProgramForEveryCharacterItReads() {
        Expression rule = Expression.parse(SCHEME, "http.request.uri.path matches \"(x|y){50}z\"");
        long program = RegexCost.of("(x|y){50}z");
        assertThat(rule.cost()).isEqualTo(program + 1);
        Context request = path("/" + "x".repeat(999) + "z"); // holds the required "z": the program runs
        assertThat(rule.matches(request)).isTrue();
        assertThat(request.spent()).isEqualTo((program + 1) * 1_002);
    }

    @Test
    void aRegexTheRequiredLiteralsRuleOutCostsOnlyTheScan() {
        Expression rule = Expression.parse(SCHEME, "http.request.uri.path matches \"admin[0-9]{1,50}\"");
        Context request = path("/" + "x".repeat(999)); // no "admin" anywhere: RE2 never runs
        assertThat(rule.matches(request)).isFalse();
        assertThat(request.spent()).isEqualTo(1_001);
    }

    @Test
    void aBudgetThatCoversTheRunExactlyLetsItRunAndOneStepLessStopsIt() {
        Expression rule = Expression.parse(SCHEME, "http.request.uri.path matches \"(a{100}){99}\"");
        String longPath = "/" + "a".repeat(9_900);
        long needed = (RegexCost.of("(a{100}){99}") + 1) * (longPath.length() + 1);
        Context enough = path(longPath).budget(needed);
        assertThat(rule.matches(enough)).isTrue();
        assertThat(enough.spent()).isEqualTo(needed);

        Context short1 = path(longPath).budget(needed - 1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> rule.matches(short1)).isInstanceOf(EvaluationBudgetExceeded.class);
        // Stopped before RE2 ran: the scan was charged, the program's run was refused whole.
        assertThat(short1.spent()).isEqualTo(longPath.length() + 1);
        assertThat(System.nanoTime() - start).isLessThan(100_000_000L); // running it takes about 0.6 s
    }

    @Test
    void theBudgetIsSpentAcrossExpressionsAndStartsAgainWhenSet() {
        Expression contains = Expression.parse(SCHEME, "http.request.uri.path contains \"q\"");
        Context request = path("/" + "a".repeat(99)).budget(250); // 101 steps per run
        assertThat(contains.matches(request)).isFalse();
        assertThat(contains.matches(request)).isFalse();
        assertThat(request.spent()).isEqualTo(202);
        assertThatThrownBy(() -> contains.matches(request)).isInstanceOf(EvaluationBudgetExceeded.class);
        assertThat(request.spent()).isEqualTo(202);
        request.budget(250);
        assertThat(contains.matches(request)).isFalse();
        assertThat(request.spent()).isEqualTo(101);
    }

    @Test
    void everyElementOfAnArrayIsCharged() {
        Expression rule = Expression.parse(SCHEME, "any(http.request.headers.values[*] matches \"^zz[0-9]{1,8}$\")");
        Context request = new Context(SCHEME).set("http.request.headers.values",
                List.of("x".repeat(9), "y".repeat(19))); // no "zz": only the scans
        assertThat(rule.matches(request)).isFalse();
        assertThat(request.spent()).isEqualTo(10 + 20);
    }

    @Test
    void functionsAndReplacingPatternsAreCharged() {
        Expression lower = Expression.parse(SCHEME, "lower(http.request.uri.path) eq \"/x\"");
        Context request = path("/" + "A".repeat(49));
        assertThat(lower.matches(request)).isFalse();
        assertThat(request.spent()).isEqualTo(51 + 51); // lower() reads 50 characters, eq reads its 50
        assertThat(lower.cost()).isEqualTo(2);

        Expression replace = Expression.parse(SCHEME, "regex_replace(http.request.uri.path, \"A{3}\", \"b\") eq \"/x\"");
        long perCharacter = RegexCost.of("A{3}") + 1;
        assertThat(replace.cost()).isEqualTo(perCharacter + 1);
        Context again = path("/" + "A".repeat(49));
        assertThat(replace.matches(again)).isFalse();
        // the function reads the path, the pattern and the replacement; eq reads the 48-character result
        assertThat(again.spent()).isEqualTo(perCharacter * (1 + 50 + 4 + 1) + 49);
    }

    @Test
    void recursiveUrlDecodingIsChargedForEveryPass() {
        // "%252525…" loses two characters a pass: a pass per two characters, quadratic in the length
        Expression rule = Expression.parse(SCHEME, "url_decode(http.request.uri.path, \"r\") contains \"<script\"");
        String path = "/%" + "25".repeat(1_000);
        Context unbounded = path(path);
        assertThat(rule.matches(unbounded)).isFalse();
        assertThat(unbounded.spent()).isGreaterThan(Costs.URL_DECODE * 1_000 * 1_000); // 1,000 passes of 1,000 characters or more

        Context bounded = path(path).budget(1_000_000);
        assertThatThrownBy(() -> rule.matches(bounded)).isInstanceOf(EvaluationBudgetExceeded.class);
        assertThat(bounded.spent()).isLessThanOrEqualTo(1_000_000);

        Context once = path("/a%2520b"); // decoded once without "r": one pass, charged once
        assertThat(Expression.parse(SCHEME, "url_decode(http.request.uri.path) eq \"/a%20b\"").matches(once)).isTrue();
        assertThat(once.spent()).isEqualTo(Costs.URL_DECODE * 9 + 7);
    }

    @Test
    void aListIsChargedForTheMembersItIsSearchedThrough() {
        Expression rule = Expression.parse(SCHEME, "http.request.uri.path in $paths");
        Context request = path("/x").list("paths", List.of("/a", "/b", "/c"));
        assertThat(rule.matches(request)).isFalse();
        assertThat(request.spent()).isEqualTo(3 + 3); // reading "/x" and 3 members
    }

    @Test
    void aContextWithoutABudgetIsUnbounded() {
        Expression rule = Expression.parse(SCHEME, "http.request.uri.path matches \"(x|y){50}z\"");
        Context request = path("/" + "x".repeat(10_000) + "z");
        assertThat(rule.matches(request)).isTrue();
        assertThat(request.spent()).isGreaterThan(1_000_000);
    }

    @Test
    void theCostOfAnExpressionAddsItsComparisons() {
        assertThat(Expression.parse(SCHEME, "http.host eq \"a\" and not http.request.uri.path contains \"b\"").cost()).isEqualTo(2);
        assertThat(Expression.parse(SCHEME, "http.request.uri.path wildcard \"/api/*\"").cost())
                .isEqualTo(RegexCost.of(Wildcards.regex("/api/*", false)) + 1);
        assertThat(Expression.parse(SCHEME, "http.request.uri.path matches \"a{1000}\" or http.host matches \"b{1000}\"").cost())
                .isEqualTo(2_002);
    }
}
