package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The literal prefilter against RE2/J itself: for generated patterns ({@link RandomRegex}) and
 * inputs, whenever RE2/J finds a match the prefilter must let the input through. A prefilter
 * that wrongly says "absent" makes a rule silently stop matching: a WAF bypass. A normal run
 * checks a fixed set of seeded cases; {@code JAZZER_FUZZ=1} searches further (docs/TESTING.md).
 */
class RequiredLiteralsDifferentialTest {

    private static final Scheme SCHEME = StandardFields.requestScheme();

    /** What one run checked, so a generator that drifted into producing nothing fails the test. */
    private static final class Tally {
        int patterns;
        int prefiltered;
        int matchesThroughPrefilter;
    }

    @Test
    void thePrefilterNeverRulesOutWhatRe2Matches() {
        Choices choices = Choices.of(new Random(20261206));
        Tally tally = new Tally();
        for (int i = 0; i < 6_000; i++) {
            check(RandomRegex.next(choices), tally);
        }
        assertThat(tally.patterns).as("valid patterns").isGreaterThan(3_000);
        assertThat(tally.prefiltered).as("patterns with a prefilter").isGreaterThan(1_200);
        assertThat(tally.matchesThroughPrefilter).as("matches checked against a prefilter").isGreaterThan(2_000);
    }

    /** The same property through the parser and compiler: {@code matches} answers what RE2/J answers. */
    @Test
    void aMatchesRuleAnswersWhatRe2Answers() {
        Choices choices = Choices.of(new Random(6122026));
        Context context = new Context(SCHEME);
        int compared = 0;
        for (int i = 0; i < 1_000; i++) {
            RandomRegex.Case k = RandomRegex.next(choices);
            Pattern pattern = compile(k.regex());
            if (pattern == null) {
                continue;
            }
            Expression rule = Expression.parse(SCHEME, "http.host matches r#####\"" + k.regex() + "\"#####");
            for (String input : k.inputs()) {
                context.set("http.host", input);
                assertThat(rule.matches(context)).as("%s on %s", k.regex(), input).isEqualTo(pattern.matcher(input).find());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(2_500);
    }

    @FuzzTest(maxDuration = "10m")
    void fuzzThePrefilter(FuzzedDataProvider data) {
        check(RandomRegex.next(Choices.of(data)), new Tally());
    }

    private static void check(RandomRegex.Case k, Tally tally) {
        Pattern pattern = compile(k.regex());
        if (pattern == null) {
            return;
        }
        tally.patterns++;
        RequiredLiterals required = RequiredLiterals.of(k.regex());
        if (required == null) {
            return;
        }
        tally.prefiltered++;
        for (String input : k.inputs()) {
            if (pattern.matcher(input).find()) {
                tally.matchesThroughPrefilter++;
                assertThat(required.mayMatch(input))
                        .as("%s matches %s, but the prefilter wants one of %s", k.regex(), escape(input), required.literals())
                        .isTrue();
            }
        }
    }

    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    private static String escape(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
