package dev.pier.waf.managed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which managed rules can possibly match a request, found in one pass over its inputs.
 *
 * <p>Most rules are regular expressions, and RE2/J runs them in linear time but not fast: every
 * rule over every input costs hundreds of microseconds per request. Each rule names the
 * literals that any match of it must contain (one of them at least); an Aho-Corasick automaton
 * over all rules' literals scans the inputs once, and only the rules whose literals occur run.
 * A rule without literals always runs. That a rule's literals are really necessary is the rule
 * author's promise, checked by running the corpora with and without the prefilter.
 */
final class Prefilter {

    private static final int ALPHABET = 128;

    private final int[][] next;       // state -> char -> state
    private final BitSet[] output;    // state -> rules whose literal ends here (through suffix links)
    private final BitSet always;      // rules without literals

    /** @param literals per rule, lower case ASCII; an empty list means the rule always runs */
    Prefilter(List<List<String>> literals) {
        List<int[]> trie = new ArrayList<>();
        List<BitSet> out = new ArrayList<>();
        trie.add(new int[ALPHABET]);
        out.add(new BitSet());
        always = new BitSet();
        for (int rule = 0; rule < literals.size(); rule++) {
            if (literals.get(rule).isEmpty()) {
                always.set(rule);
            }
            for (String literal : literals.get(rule)) {
                int state = 0;
                for (char c : literal.toCharArray()) {
                    if (c >= ALPHABET) {
                        throw new IllegalArgumentException("prefilter literal: " + literal + " (expected: ASCII)");
                    }
                    if (trie.get(state)[c] == 0) {
                        trie.add(new int[ALPHABET]);
                        out.add(new BitSet());
                        trie.get(state)[c] = trie.size() - 1;
                    }
                    state = trie.get(state)[c];
                }
                out.get(state).set(rule);
            }
        }
        // Breadth first: suffix links folded into a full transition table and into the outputs.
        int[] fail = new int[trie.size()];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < ALPHABET; c++) {
            int s = trie.get(0)[c];
            if (s != 0) {
                queue.add(s);
            }
        }
        while (!queue.isEmpty()) {
            int state = queue.poll();
            out.get(state).or(out.get(fail[state]));
            for (int c = 0; c < ALPHABET; c++) {
                int s = trie.get(state)[c];
                if (s != 0) {
                    fail[s] = trie.get(fail[state])[c];
                    queue.add(s);
                } else {
                    trie.get(state)[c] = trie.get(fail[state])[c];
                }
            }
        }
        this.next = trie.toArray(new int[0][]);
        this.output = out.toArray(new BitSet[0]);
    }

    /** The rules that may match, given every input of the request (lower case). */
    BitSet candidates(Iterable<String> inputs) {
        BitSet hits = (BitSet) always.clone();
        for (String input : inputs) {
            int state = 0;
            for (int i = 0; i < input.length(); i++) {
                char c = input.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A'; // raw inputs (the request target, header values) are matched without case
                }
                state = c < ALPHABET ? next[state][c] : 0;
                if (!output[state].isEmpty()) {
                    hits.or(output[state]);
                }
            }
        }
        return hits;
    }
}
