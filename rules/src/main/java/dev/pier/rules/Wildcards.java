package dev.pier.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Cloudflare's wildcard patterns, for {@code wildcard}, {@code strict wildcard} and
 * {@code wildcard_replace}, with Cloudflare's semantics (its documentation and its engine,
 * wirefilter on the {@code wildcard} crate):
 * <ul>
 *   <li>{@code *} matches any run of characters, line breaks included; the whole value must match;</li>
 *   <li>{@code \*} is a literal star and {@code \\} a literal backslash; any other escape, a
 *       backslash at the end and two stars in a row make the pattern invalid ({@link #problem});</li>
 *   <li>{@code wildcard} ignores the case of ASCII letters only, as Cloudflare's engine compares
 *       bytes ({@code é} does not match {@code É}, nor {@code ſ} {@code s}); {@code strict
 *       wildcard} compares exactly;</li>
 *   <li>each star is captured lazily, the shortest string that lets the rest match, which is what
 *       {@code wildcard_replace} puts in place of {@code ${1}}, {@code ${2}}, ...</li>
 * </ul>
 * A pattern becomes an RE2/J pattern (linear time whatever the input), kept in the bounded
 * cache of compiled patterns ({@link Regexes#CACHE}).
 */
final class Wildcards {

    private Wildcards() {
    }

    /** Why Cloudflare refuses the pattern, or null when it is valid. */
    static String problem(String wildcard) {
        for (int i = 0; i < wildcard.length(); i++) {
            char c = wildcard.charAt(i);
            if (c == '\\') {
                if (i + 1 == wildcard.length()) {
                    return "it ends with a lone backslash (expected: \\* or \\\\)";
                }
                char escaped = wildcard.charAt(++i);
                if (escaped != '*' && escaped != '\\') {
                    return "unknown escape \\" + escaped + " at character " + i + " (expected: \\* or \\\\)";
                }
            } else if (c == '*' && i + 1 < wildcard.length() && wildcard.charAt(i + 1) == '*') {
                return "two * in a row at character " + (i + 2) + " (expected: one *, or \\* for a literal star)";
            }
        }
        return null;
    }

    /** The pattern of a valid wildcard (see {@link #problem}), its stars as capture groups. */
    static Pattern pattern(String wildcard, boolean caseSensitive) {
        return Regexes.CACHE.get((caseSensitive ? "wildcard s:" : "wildcard i:") + wildcard, k -> compile(wildcard, caseSensitive));
    }

    /**
     * {@code wildcard_replace}: the replacement with {@code ${n}} replaced by what the n-th star
     * matched and {@code $$} by {@code $}, in one pass (a capture is never expanded again), or
     * the source unchanged when it does not match.
     */
    static String replace(String source, String wildcard, String replacement, boolean caseSensitive) {
        Matcher m = pattern(wildcard, caseSensitive).matcher(source);
        if (!m.matches()) {
            return source;
        }
        StringBuilder out = new StringBuilder(replacement.length() + source.length());
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '$' && i + 1 < replacement.length() && replacement.charAt(i + 1) == '$') {
                out.append('$');
                i++;
                continue;
            }
            int close = c == '$' ? reference(replacement, i) : -1;
            int group = close < 0 ? 0 : Integer.parseInt(replacement, i + 2, close, 10);
            if (group >= 1 && group <= m.groupCount()) {
                out.append(m.group(group));
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Where the '}' of a {@code ${digits}} starting at {@code at} is, or -1. */
    private static int reference(String s, int at) {
        if (!s.startsWith("${", at)) {
            return -1;
        }
        int i = at + 2;
        while (i < s.length() && i < at + 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > at + 2 && i < s.length() && s.charAt(i) == '}' ? i : -1;
    }

    private static Pattern compile(String wildcard, boolean caseSensitive) {
        return Pattern.compile(regex(wildcard, caseSensitive));
    }

    /** The RE2 pattern a valid wildcard (see {@link #problem}) runs as, its stars as capture groups. */
    static String regex(String wildcard, boolean caseSensitive) {
        String problem = problem(wildcard);
        if (problem != null) {
            throw new IllegalArgumentException("wildcard: " + wildcard + " (" + problem + ")");
        }
        StringBuilder regex = new StringBuilder("(?s)");
        boolean folding = false; // inside a (?i:…) group
        for (int i = 0; i < wildcard.length(); i++) {
            char c = wildcard.charAt(i);
            boolean star = c == '*';
            if (c == '\\') {
                c = wildcard.charAt(++i);
            }
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            // RE2's (?i) folds ASCII letters to their other case only, except s (also ſ) and k (also the Kelvin sign)
            boolean folds = !star && !caseSensitive && letter && "sSkK".indexOf(c) < 0;
            if (folding && !folds) {
                regex.append(')');
                folding = false;
            }
            if (star) {
                regex.append("(.*?)");
            } else if (folds) {
                // one group for a run of letters: RE2/J parses each character class in time linear in the rest of
                // the pattern, so a class per letter made compiling a long wildcard quadratic
                if (!folding) {
                    regex.append("(?i:");
                    folding = true;
                }
                regex.append(c);
            } else if (!caseSensitive && letter) {
                regex.append('[').append(Character.toLowerCase(c)).append(Character.toUpperCase(c)).append(']');
            } else if (c < 0x80 && !Character.isLetterOrDigit(c)) {
                regex.append('\\').append(c); // RE2 takes any escaped ASCII punctuation literally
            } else {
                regex.append(c); // letters, digits and non-ASCII (surrogate pairs stay together)
            }
        }
        if (folding) {
            regex.append(')');
        }
        return regex.toString();
    }
}
