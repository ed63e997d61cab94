package dev.pier.rules;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.Random;

/**
 * Where a test generator's decisions come from: a seeded {@link Random} in a normal test run
 * (the same cases every time, thousands of them in a second), Jazzer's input when fuzzing (the
 * fuzzer steers the decisions towards new branches). An exhausted fuzzer input answers 0, so
 * every generator treats 0 as "the smallest thing": stop, no more, the first option.
 */
@FunctionalInterface
interface Choices {

    /** A number from 0 to {@code bound - 1}. */
    int below(int bound);

    default boolean oneIn(int n) {
        return below(n) == n - 1;
    }

    default char charOf(String alphabet) {
        return alphabet.charAt(below(alphabet.length()));
    }

    default String stringOf(String alphabet, int maxLength) {
        int n = below(maxLength + 1);
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(charOf(alphabet));
        }
        return out.toString();
    }

    static Choices of(Random random) {
        return random::nextInt;
    }

    static Choices of(FuzzedDataProvider data) {
        return bound -> data.consumeInt(0, bound - 1);
    }
}
