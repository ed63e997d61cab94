package dev.pier.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Literals that every match of a regular expression contains, one of them at least, found by
 * reading the pattern: {@code (?i)(union|select).*from} needs "union" or "select" (or "from").
 * A cheap {@code contains} on them rules most inputs out before RE2/J, which is linear but not
 * fast, has to run. The analysis is conservative: whatever it does not understand (classes,
 * optional parts, inline flags other than a leading {@code (?i)}) it treats as "anything", and
 * a pattern it cannot vouch for gets no prefilter at all.
 */
final class RequiredLiterals {

    private static final int MAX_ALTERNATIVES = 16;
    private static final Pattern REPETITION =
            Pattern.compile("\\{(0|[1-9][0-9]{0,7})(,(0|[1-9][0-9]{0,7})?)?}");

    private final List<String> literals;
    private final boolean ignoreCase;

    private RequiredLiterals(List<String> literals, boolean ignoreCase) {
        this.literals = literals;
        this.ignoreCase = ignoreCase;
    }

    /** The requirement of a pattern, or null when it has none worth checking. */
    static RequiredLiterals of(String regex) {
        boolean ignoreCase = regex.startsWith("(?i)");
        String body = ignoreCase ? regex.substring(4) : regex;
        try {
            Set<String> required = new Reader(body).alternation();
            if (required == null || required.isEmpty() || required.contains("")) {
                return null;
            }
            List<String> out = new ArrayList<>();
            for (String l : required) {
                if (ignoreCase && !l.chars().allMatch(c -> c < 0x80)) {
                    return null; // case folding beyond ASCII (İ, ſ, K) is RE2's to decide, not a contains()
                }
                out.add(ignoreCase ? l.toLowerCase(java.util.Locale.ROOT) : l);
            }
            return new RequiredLiterals(List.copyOf(out), ignoreCase);
        } catch (GiveUp e) {
            return null;
        }
    }

    /**
     * The longest literal part of a wildcard pattern ({@code https://*.example.com} needs
     * ".example.com"), or null when it has escapes or no part worth checking.
     */
    static RequiredLiterals ofWildcard(String wildcard, boolean ignoreCase) {
        if (wildcard.indexOf('\\') >= 0) {
            return null;
        }
        String longest = "";
        for (String part : wildcard.split("\\*")) {
            if (part.length() > longest.length()) {
                longest = part;
            }
        }
        if (longest.length() < 2 || ignoreCase && !longest.chars().allMatch(c -> c < 0x80)) {
            return null;
        }
        return new RequiredLiterals(List.of(ignoreCase ? longest.toLowerCase(java.util.Locale.ROOT) : longest), ignoreCase);
    }

    List<String> literals() {
        return literals;
    }

    /** False only when no match is possible. */
    boolean mayMatch(String input) {
        for (String l : literals) {
            if (ignoreCase ? containsIgnoreCase(input, l) : input.contains(l)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(String input, String lowerLiteral) {
        int n = lowerLiteral.length();
        char first = lowerLiteral.charAt(0);
        for (int i = 0; i + n <= input.length(); i++) {
            char c = input.charAt(i);
            // upper then lower case: 'ſ' and the Kelvin sign fold to 's' and 'k' as RE2's (?i) folds them
            if ((c == first || Character.toLowerCase(Character.toUpperCase(c)) == first)
                    && input.regionMatches(true, i, lowerLiteral, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    /** A recursive reader: each method returns the literals one of which a match must contain, or null for "no requirement". */
    private static final class Reader {
        private final String re;
        private int pos;

        Reader(String re) {
            this.re = re;
        }

        Set<String> alternation() {
            Set<String> all = new LinkedHashSet<>();
            boolean unknown = false;
            while (true) {
                Set<String> branch = concatenation();
                if (branch == null) {
                    unknown = true;
                } else {
                    all.addAll(branch);
                }
                if (pos < re.length() && re.charAt(pos) == '|') {
                    pos++;
                    continue;
                }
                break;
            }
            return unknown || all.size() > MAX_ALTERNATIVES ? null : all;
        }

        /** The best requirement among the items of a sequence (any one of them is necessary). */
        private Set<String> concatenation() {
            Set<String> best = null;
            StringBuilder run = new StringBuilder();
            while (pos < re.length() && re.charAt(pos) != '|' && re.charAt(pos) != ')') {
                char c = re.charAt(pos);
                Set<String> item;
                String literal = null;
                switch (c) {
                    case '(' -> {
                        pos++;
                        if (re.startsWith("?:", pos)) {
                            pos += 2;
                        } else if (re.startsWith("?P<", pos)) {
                            pos = re.indexOf('>', pos) + 1;
                        } else if (pos < re.length() && re.charAt(pos) == '?') {
                            throw new GiveUp(); // inline flags inside the pattern
                        }
                        item = alternation();
                        expect(')');
                    }
                    case '[' -> {
                        skipClass();
                        item = null;
                    }
                    case '.' -> {
                        pos++;
                        item = null;
                    }
                    case '^', '$' -> {
                        pos++;
                        best = better(best, flush(run));
                        continue; // zero width
                    }
                    case '\\' -> {
                        literal = escape();
                        item = literal == null ? null : Set.of(literal);
                        if (literal == null && isZeroWidth()) {
                            best = better(best, flush(run));
                            continue;
                        }
                    }
                    case '{' -> {
                        if (repetition() != null) {
                            throw new GiveUp(); // a repetition of nothing: RE2 refuses it
                        }
                        pos++;
                        literal = "{"; // braces that are not a repetition are text to RE2: a{,2} matches "a{,2}"
                        item = Set.of(literal);
                    }
                    case '*', '+', '?' -> throw new GiveUp();
                    default -> {
                        pos++;
                        literal = String.valueOf(c);
                        item = Set.of(literal);
                    }
                }
                int min = quantifier();
                if (min == 1 && literal != null) {
                    run.append(literal); // a plain character: it extends the current run
                    continue;
                }
                best = better(best, flush(run));
                if (min > 0) {
                    best = better(best, item);
                }
            }
            return better(best, flush(run));
        }

        private boolean lastWasZeroWidth;

        private boolean isZeroWidth() {
            return lastWasZeroWidth;
        }

        /** An escape: its literal character, or null for a class or an assertion. */
        private String escape() {
            lastWasZeroWidth = false;
            pos++;
            if (pos >= re.length()) {
                throw new GiveUp();
            }
            char e = re.charAt(pos++);
            switch (e) {
                case 'b', 'B', 'A', 'z' -> {
                    lastWasZeroWidth = true;
                    return null;
                }
                case 'd', 'D', 'w', 'W', 's', 'S' -> {
                    return null;
                }
                case 'p', 'P' -> {
                    if (pos < re.length() && re.charAt(pos) == '{') {
                        pos = re.indexOf('}', pos) + 1;
                    } else {
                        pos++;
                    }
                    return null;
                }
                case 'n' -> {
                    return "\n";
                }
                case 't' -> {
                    return "\t";
                }
                case 'r' -> {
                    return "\r";
                }
                case 'x', 'Q', 'E', 'f', 'v', 'a', 'C', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> throw new GiveUp();
                default -> {
                    if (Character.isLetterOrDigit(e)) {
                        throw new GiveUp();
                    }
                    return String.valueOf(e); // escaped punctuation
                }
            }
        }

        /** Reads a quantifier if there is one and returns its minimum (1 when there is none). */
        private int quantifier() {
            if (pos >= re.length()) {
                return 1;
            }
            char q = re.charAt(pos);
            int min;
            if (q == '*' || q == '?') {
                pos++;
                min = 0;
            } else if (q == '+') {
                pos++;
                min = 2; // at least one, but not a run of exactly one
            } else if (q == '{') {
                Matcher repeat = repetition();
                if (repeat == null) {
                    return 1; // not a repetition: the '{' is the next item, a literal character
                }
                pos = repeat.end();
                int least = Integer.parseInt(repeat.group(1));
                boolean exact = repeat.group(2) == null;
                min = least == 0 ? 0 : exact && least == 1 ? 1 : 2;
            } else {
                return 1;
            }
            if (pos < re.length() && re.charAt(pos) == '?') {
                pos++; // lazy
            }
            return min;
        }

        /**
         * The repetition {@code {n}}, {@code {n,}} or {@code {n,m}} at the current position, as RE2
         * reads one (decimal digits without a leading zero, nothing else inside), or null when
         * the brace there is a literal character.
         */
        private Matcher repetition() {
            Matcher m = REPETITION.matcher(re).region(pos, re.length());
            return m.lookingAt() ? m : null;
        }

        private void skipClass() {
            pos++;
            if (pos < re.length() && re.charAt(pos) == '^') {
                pos++;
            }
            if (pos < re.length() && re.charAt(pos) == ']') {
                pos++;
            }
            while (pos < re.length() && re.charAt(pos) != ']') {
                if (re.charAt(pos) == '\\') {
                    pos++;
                } else if (re.startsWith("[:", pos)) {
                    int end = re.indexOf(":]", pos + 2);
                    if (end < 0) {
                        throw new GiveUp(); // "[:" without ":]" is a plain '[' to RE2: not worth reading further
                    }
                    pos = end + 1;
                }
                pos++;
            }
            if (pos >= re.length()) {
                throw new GiveUp();
            }
            pos++;
        }

        private void expect(char c) {
            if (pos >= re.length() || re.charAt(pos) != c) {
                throw new GiveUp();
            }
            pos++;
        }

        private static Set<String> flush(StringBuilder run) {
            if (run.isEmpty()) {
                return null;
            }
            Set<String> s = Set.of(run.toString());
            run.setLength(0);
            return s;
        }

        /** The more selective of two requirements: the one whose shortest literal is longer. */
        private static Set<String> better(Set<String> a, Set<String> b) {
            if (a == null) {
                return b;
            }
            if (b == null) {
                return a;
            }
            return shortest(b) > shortest(a) ? b : a;
        }

        private static int shortest(Set<String> s) {
            return s.stream().mapToInt(String::length).min().orElse(0);
        }
    }
}
