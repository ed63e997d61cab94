package dev.pier.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Cloudflare's {@code wildcard} and {@code strict wildcard} semantics, written to be obviously
 * right rather than fast, as the oracle for the differential tests. From Cloudflare's
 * documentation of the operators and of {@code wildcard_replace}, and its open-source engine
 * (wirefilter's wildcard type, built on the {@code wildcard} crate without the {@code ?}
 * metasymbol):
 * <ul>
 *   <li>{@code *} matches zero or more characters, any characters (line breaks too);</li>
 *   <li>{@code \*} is a literal star and {@code \\} a literal backslash; any other escape, and a
 *       backslash at the end, make the pattern invalid;</li>
 *   <li>two unescaped stars in a row make the pattern invalid;</li>
 *   <li>the whole value must match;</li>
 *   <li>{@code wildcard} ignores case for ASCII letters only (the crate compares bytes with
 *       {@code eq_ignore_ascii_case}); {@code strict wildcard} compares exactly;</li>
 *   <li>captures (for {@code wildcard_replace}) are lazy: each star takes the shortest string
 *       that still lets the rest match.</li>
 * </ul>
 */
final class ReferenceWildcard {

    /** A parsed pattern: a {@link Character} per literal character, {@link #STAR} per star. */
    private static final Object STAR = new Object();

    private ReferenceWildcard() {
    }

    /** Why Cloudflare refuses the pattern, or null when it accepts it. */
    static String invalid(String pattern) {
        try {
            parse(pattern);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static boolean matches(String pattern, String input, boolean caseSensitive) {
        return captures(pattern, input, caseSensitive) != null;
    }

    /** What each star matched, or null when the input does not match. */
    static List<String> captures(String pattern, String input, boolean caseSensitive) {
        List<Object> tokens = parse(pattern);
        List<String> captures = new ArrayList<>();
        return match(tokens, 0, input, 0, caseSensitive, captures) ? captures : null;
    }

    private static List<Object> parse(String pattern) {
        List<Object> tokens = new ArrayList<>();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 == pattern.length()) {
                    throw new IllegalArgumentException("a backslash ends the pattern");
                }
                char next = pattern.charAt(++i);
                if (next != '*' && next != '\\') {
                    throw new IllegalArgumentException("invalid escape \\" + next);
                }
                tokens.add(next);
            } else if (c == '*') {
                if (!tokens.isEmpty() && tokens.getLast() == STAR) {
                    throw new IllegalArgumentException("two stars in a row");
                }
                tokens.add(STAR);
            } else {
                tokens.add(c);
            }
        }
        return tokens;
    }

    /** Plain backtracking, shortest star first: exponential in the worst case, fine for short inputs. */
    private static boolean match(List<Object> tokens, int t, String input, int i, boolean caseSensitive, List<String> captures) {
        if (t == tokens.size()) {
            return i == input.length();
        }
        Object token = tokens.get(t);
        if (token == STAR) {
            for (int end = i; end <= input.length(); end++) {
                captures.add(input.substring(i, end));
                if (match(tokens, t + 1, input, end, caseSensitive, captures)) {
                    return true;
                }
                captures.removeLast();
            }
            return false;
        }
        return i < input.length() && same((Character) token, input.charAt(i), caseSensitive)
                && match(tokens, t + 1, input, i + 1, caseSensitive, captures);
    }

    private static boolean same(char expected, char actual, boolean caseSensitive) {
        return expected == actual || !caseSensitive && isAsciiLetter(expected) && isAsciiLetter(actual)
                && (expected | 0x20) == (actual | 0x20);
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
