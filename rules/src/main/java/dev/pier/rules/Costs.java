package dev.pier.rules;

import com.google.re2j.Pattern;
import java.util.Collection;

/**
 * What running a comparison or a function costs, in the steps a {@link Context}'s budget
 * counts. RE2 runs a program over its input one character at a time, with at most one thread
 * per instruction alive, so its worst case is (characters + 1) × instructions; the program size
 * is {@link RegexCost}'s estimate (the one that bounds it when parsed). Everything else scans
 * its input once: one step per character it reads, plus one ({@code url_decode} more, and again
 * for each pass when it decodes recursively).
 */
final class Costs {

    /**
     * The steps per character of one pass of {@code url_decode}: the JDK's decoder takes about
     * 170 ns per character of escapes, where a regex instruction takes 5 to 40 ns per character.
     */
    static final long URL_DECODE = 16;

    private Costs() {
    }

    /** The steps per character read of a comparison: its program size plus one for a regex or a wildcard, else one. */
    static long perCharacter(Node.Compare compare) {
        return switch (compare.op()) {
            case "matches" -> RegexCost.of(((Pattern) compare.right()).pattern()) + 1;
            case "wildcard" -> RegexCost.of(Wildcards.regex((String) compare.right(), false)) + 1;
            case "strict wildcard" -> RegexCost.of(Wildcards.regex((String) compare.right(), true)) + 1;
            default -> 1;
        };
    }

    /** The steps per character read of a function call: its pattern's program size plus one for the replacing functions, else one. */
    static long perCharacter(Node.Call call) {
        return switch (call.function().name()) {
            case "regex_replace" -> RegexCost.of(literal(call, 1)) + 1;
            case "wildcard_replace" -> RegexCost.of(Wildcards.regex(literal(call, 1), false)) + 1;
            case "url_decode" -> URL_DECODE; // and as much again for each further pass when recursive
            default -> 1;
        };
    }

    /** The program size of a pattern that runs, not counting the character scan {@link #read} pays for. */
    static long program(Pattern pattern) {
        return RegexCost.of(pattern.pattern());
    }

    /** The characters (or elements) a value holds, plus one. */
    static long read(Object value) {
        if (value instanceof String s) {
            return s.length() + 1L;
        }
        return value instanceof Collection<?> c ? c.size() + 1L : 1;
    }

    /** The characters (or elements) some arguments hold, plus one. */
    static long read(Object[] values) {
        long total = 1;
        for (Object v : values) {
            total += read(v) - 1;
        }
        return total;
    }

    private static String literal(Node.Call call, int position) {
        return (String) ((Node.Literal) call.args().get(position)).value();
    }
}
