package dev.pier.rules;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An upper bound on the size of the program RE2 compiles a regular expression to, found by
 * reading the pattern once, before anything is compiled. RE2 runs in time linear in the input,
 * but it expands counted repetition: {@code x{1000}} is a thousand copies of {@code x}, so
 * {@code ((a{1000}){1000}){1000}} is a billion instructions, and compiling it fills any heap.
 * Here a counted repetition multiplies the cost of what it repeats by its lower count, and each
 * optional copy above it costs one more (the choice that skips it, as RE2 compiles
 * {@code x{1,3}} to {@code xx?x?}); nesting multiplies, and everything else costs one.
 *
 * <p>The bound errs high (a class, an escape or an assertion counts as one instruction, a group
 * as what it holds plus one), which is what a budget needs: a pattern under it compiles to a
 * program of about that size, and one over it is refused without being compiled.
 */
final class RegexCost {

    private RegexCost() {
    }

    /** The estimated program size of {@code regex}; saturates at {@link Long#MAX_VALUE} / 2. */
    static long of(String regex) {
        Deque<long[]> groups = new ArrayDeque<>(); // per open group: {cost so far, cost of its last atom}
        long total = 0;
        long last = 0;
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            switch (c) {
                case '\\' -> {
                    int length = regex.startsWith("Q", i + 1) ? quoted(regex, i) : 2;
                    i += length;
                    total = add(total, last = Math.max(1, length - 4)); // a quote costs a character each
                    continue;
                }
                case '[' -> {
                    i = classEnd(regex, i);
                    total = add(total, last = 1);
                    continue;
                }
                case '(' -> {
                    groups.push(new long[] {total, last});
                    total = 0;
                    last = 0;
                }
                case ')' -> {
                    long group = add(total, 1);
                    long[] outer = groups.isEmpty() ? new long[] {0, 0} : groups.pop();
                    total = add(outer[0], group);
                    last = group;
                }
                case '*', '+', '?' -> total = add(total, 1);
                case '{' -> {
                    int close = regex.indexOf('}', i);
                    long repeated = close < 0 ? -1 : repeated(last, regex.substring(i + 1, close));
                    if (repeated >= 0) {
                        total = add(total - last, repeated);
                        last = repeated;
                        i = close + 1;
                        continue;
                    }
                    total = add(total, last = 1); // a literal '{'
                }
                case '|' -> {
                    total = add(total, 1);
                    last = 0;
                }
                default -> total = add(total, last = 1);
            }
            i++;
        }
        while (!groups.isEmpty()) { // unbalanced: RE2 refuses it anyway
            total = add(groups.pop()[0], total);
        }
        return total;
    }

    /**
     * The cost of an atom of cost {@code atom} repeated {@code n}, {@code n,} or {@code n,m}
     * times, as RE2 compiles it: n copies, then each optional copy with the choice that skips it
     * ({@code x{1,3}} is {@code xx?x?}, and a choice is an instruction), or a loop when unbounded
     * ({@code x{2,}} is {@code xxx*}); -1 when it is no count.
     */
    private static long repeated(long atom, String counts) {
        int comma = counts.indexOf(',');
        String low = comma < 0 ? counts : counts.substring(0, comma);
        String high = comma < 0 ? counts : counts.substring(comma + 1);
        if (!isNumber(low) || !high.isEmpty() && !isNumber(high)) {
            return -1;
        }
        long min = Long.parseLong(low);
        long required = multiply(atom, min);
        if (comma < 0) {
            return required;
        }
        if (high.isEmpty()) {
            return add(required, add(atom, 1));
        }
        long optional = Math.max(0, Long.parseLong(high) - min);
        return add(required, multiply(add(atom, 1), optional));
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The index after a character class starting at {@code start}. */
    private static int classEnd(String regex, int start) {
        int i = start + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++; // a leading ']' is a literal
        }
        while (i < regex.length() && regex.charAt(i) != ']') {
            if (regex.startsWith("[:", i)) {
                int end = regex.indexOf(":]", i + 2);
                i = end < 0 ? i + 1 : end + 2;
            } else {
                i += regex.charAt(i) == '\\' ? 2 : 1;
            }
        }
        return i + 1;
    }

    /** The length of a {@code \Q...\E} quote starting at {@code start}. */
    private static int quoted(String regex, int start) {
        int end = regex.indexOf("\\E", start + 2);
        return (end < 0 ? regex.length() : end + 2) - start;
    }

    private static final long CAP = Long.MAX_VALUE / 2;

    private static long add(long a, long b) {
        return Math.min(CAP, a + b);
    }

    private static long multiply(long a, long b) {
        return a != 0 && b > CAP / a ? CAP : Math.min(CAP, a * b);
    }
}
