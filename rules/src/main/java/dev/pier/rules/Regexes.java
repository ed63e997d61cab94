package dev.pier.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.function.Function;

/**
 * Regular expressions for {@code matches} and {@code regex_replace}: RE2 semantics, which run
 * in time linear in the input whatever the pattern, so a hostile rule cannot stall the edge.
 */
final class Regexes {

    static final int MAX_LENGTH = 1024;

    private Regexes() {
    }

    static Pattern compile(String regex, Function<String, RuleException> error) {
        if (regex.length() > MAX_LENGTH) {
            throw error.apply("the regular expression is longer than " + MAX_LENGTH + " characters");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw error.apply("invalid regular expression: " + e.getDescription());
        }
    }
}
