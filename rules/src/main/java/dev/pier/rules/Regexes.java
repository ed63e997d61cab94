package dev.pier.rules;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.function.Function;

/**
 * Regular expressions for {@code matches} and {@code regex_replace}: RE2 semantics, which run
 * in time linear in the input whatever the pattern, so a hostile rule cannot stall the edge;
 * and a bounded length and program size, checked before compiling, so that a hostile rule
 * cannot fill the heap either (compiling expands counted repetition).
 */
final class Regexes {

    static final int MAX_LENGTH = 1024;
    /**
     * The largest program a pattern may compile to, as {@link RegexCost} estimates it before
     * compiling: counted repetition multiplies ({@code (a{1000}){1000}} would be a million
     * instructions and hundreds of megabytes), so length alone bounds nothing. The managed
     * rules' largest pattern costs about 650.
     */
    static final long MAX_PROGRAM_SIZE = 10_000;

    /**
     * Compiled patterns shared by the rules that use the same one, and by functions that take a
     * pattern at evaluation ({@code regex_replace}, {@code wildcard_replace}), weighed by pattern
     * length: a compiled pattern takes tens of bytes per character, so this keeps at most a few
     * megabytes however many distinct patterns are sent (validate-expr needs only Zone Read).
     * An evicted pattern is compiled again when next needed.
     */
    static final Cache<String, Pattern> CACHE = Caffeine.newBuilder()
            .maximumWeight(256 * 1024)
            .weigher((String key, Pattern pattern) -> key.length())
            .build();

    private Regexes() {
    }

    static Pattern compile(String regex, Function<String, RuleException> error) {
        if (regex.length() > MAX_LENGTH) {
            throw error.apply("the regular expression is longer than " + MAX_LENGTH + " characters");
        }
        long cost = RegexCost.of(regex);
        if (cost > MAX_PROGRAM_SIZE) {
            throw error.apply("the regular expression is too complex: its repetitions expand it beyond "
                    + MAX_PROGRAM_SIZE + " instructions");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw error.apply("invalid regular expression: " + e.getDescription());
        }
    }
}
