package dev.pier.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Random regular expressions in RE2 syntax, each with inputs it is likely to match, for the
 * differential tests of {@link RequiredLiterals}. The generator builds a tree and renders it, so
 * it can also write a string that walks the tree (a sample). Samples only make matches likely:
 * the tests ask RE2/J whether an input matches, never the generator. It deliberately writes
 * what confuses a hand-written reader of patterns: escapes, classes with {@code ]} and POSIX
 * names inside, braces that are repetitions and braces that RE2 reads as plain text,
 * anchors, inline flags, named groups, lazy quantifiers, and under {@code (?i)} samples in
 * the other case, with the long s and the Kelvin sign that RE2 folds to s and k.
 */
final class RandomRegex {

    /** A piece of a pattern: how it is written, and one string it matches. */
    private interface Node {
        void render(StringBuilder out);

        void sample(Choices c, StringBuilder out);
    }

    private record Text(String written, String matched) implements Node {
        public void render(StringBuilder out) {
            out.append(written);
        }

        public void sample(Choices c, StringBuilder out) {
            out.append(matched);
        }
    }

    private record AnyOf(String written, String members) implements Node {
        public void render(StringBuilder out) {
            out.append(written);
        }

        public void sample(Choices c, StringBuilder out) {
            if (!members.isEmpty()) {
                out.append(c.charOf(members));
            }
        }
    }

    private record Sequence(List<Node> items) implements Node {
        public void render(StringBuilder out) {
            items.forEach(n -> n.render(out));
        }

        public void sample(Choices c, StringBuilder out) {
            items.forEach(n -> n.sample(c, out));
        }
    }

    private record Alternation(List<Node> branches) implements Node {
        public void render(StringBuilder out) {
            for (int i = 0; i < branches.size(); i++) {
                if (i > 0) {
                    out.append('|');
                }
                branches.get(i).render(out);
            }
        }

        public void sample(Choices c, StringBuilder out) {
            branches.get(c.below(branches.size())).sample(c, out);
        }
    }

    private record Group(String open, Node inner) implements Node {
        public void render(StringBuilder out) {
            out.append(open);
            inner.render(out);
            out.append(')');
        }

        public void sample(Choices c, StringBuilder out) {
            inner.sample(c, out);
        }
    }

    /** {@code suffix} is the quantifier as written; {@code literalTail} what RE2 matches after the item when the braces are not a repetition. */
    private record Repeat(Node item, String suffix, int min, int max, String literalTail) implements Node {
        public void render(StringBuilder out) {
            item.render(out);
            out.append(suffix);
        }

        public void sample(Choices c, StringBuilder out) {
            int n = min + c.below(Math.min(max, min + 3) - min + 1);
            for (int i = 0; i < n; i++) {
                item.sample(c, out);
            }
            out.append(literalTail);
        }
    }

    private static final String PLAIN = "abcsk" + "ABSK" + "01" + "/-_ ,:=<>'\"@#%&~`!" + "é";
    private static final String META = ".+*?()|[]{}^$\\";
    private static final String NOISE = "abcskABSK01 /-._{}()[]*+?,é\u017F\u212A\n";

    private final Choices c;
    private int budget;

    private RandomRegex(Choices c) {
        this.c = c;
        this.budget = 4 + c.below(12);
    }

    /** A pattern and inputs around samples of it. */
    record Case(String regex, List<String> inputs) {
    }

    static Case next(Choices c) {
        RandomRegex generator = new RandomRegex(c);
        boolean ignoreCase = c.oneIn(3);
        Node root = generator.alternation(0);
        StringBuilder regex = new StringBuilder(ignoreCase ? "(?i)" : "");
        root.render(regex);
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            StringBuilder sample = new StringBuilder();
            root.sample(c, sample);
            String s = ignoreCase ? otherCase(c, sample) : sample.toString();
            inputs.add(c.stringOf(NOISE, 3) + s + c.stringOf(NOISE, 3));
        }
        inputs.add(c.stringOf(NOISE, 10));
        return new Case(regex.toString(), inputs);
    }

    private static String otherCase(Choices c, CharSequence s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (c.below(4)) {
                case 1 -> ch = Character.isUpperCase(ch) ? Character.toLowerCase(ch) : Character.toUpperCase(ch);
                case 2 -> ch = ch == 's' || ch == 'S' ? '\u017F' : ch == 'k' || ch == 'K' ? '\u212A' : ch;
                default -> { }
            }
            out.append(ch);
        }
        return out.toString();
    }

    private Node alternation(int depth) {
        List<Node> branches = new ArrayList<>();
        branches.add(sequence(depth));
        while (budget > 0 && c.oneIn(4)) {
            branches.add(sequence(depth));
        }
        return branches.size() == 1 ? branches.getFirst() : new Alternation(branches);
    }

    private Node sequence(int depth) {
        List<Node> items = new ArrayList<>();
        do {
            items.add(piece(depth));
        } while (--budget > 0 && !c.oneIn(6));
        return new Sequence(items);
    }

    private Node piece(int depth) {
        Node atom = atom(depth);
        return switch (c.below(12)) {
            case 0, 1, 2, 3, 4, 5 -> atom;
            case 6 -> new Repeat(atom, lazy("*"), 0, 3, "");
            case 7 -> new Repeat(atom, lazy("+"), 1, 3, "");
            case 8 -> new Repeat(atom, lazy("?"), 0, 1, "");
            case 9 -> {
                int min = c.below(3);
                yield switch (c.below(3)) {
                    case 0 -> new Repeat(atom, lazy("{" + min + "}"), min, min, "");
                    case 1 -> new Repeat(atom, lazy("{" + min + ",}"), min, min + 2, "");
                    default -> new Repeat(atom, lazy("{" + min + "," + (min + 1) + "}"), min, min + 1, "");
                };
            }
            case 10 -> {
                // braces that are not a repetition: RE2 matches them as text after the item
                String text = switch (c.below(8)) {
                    case 0 -> "{,2}";
                    case 1 -> "{01}";
                    case 2 -> "{+1}";
                    case 3 -> "{1,x}";
                    case 4 -> "{1";
                    case 5 -> "{";
                    case 6 -> "{a}";
                    default -> "{1,";
                };
                yield new Repeat(atom, text, 1, 1, text);
            }
            default -> new Repeat(atom, "{1}", 1, 1, "");
        };
    }

    private String lazy(String quantifier) {
        return c.oneIn(4) ? quantifier + "?" : quantifier;
    }

    private Node atom(int depth) {
        int kind = c.below(depth >= 3 ? 8 : 11);
        return switch (kind) {
            case 0, 1, 2, 3 -> {
                char ch = c.charOf(PLAIN);
                yield new Text(String.valueOf(ch), String.valueOf(ch));
            }
            case 4 -> {
                char ch = c.charOf(META);
                yield new Text("\\" + ch, String.valueOf(ch));
            }
            case 5 -> switch (c.below(4)) {
                case 0 -> new Text("\\n", "\n");
                case 1 -> new Text("\\t", "\t");
                case 2 -> new Text("]", "]");
                default -> new Text("}", "}");
            };
            case 6 -> charClass();
            case 7 -> anchor();
            default -> new Group(groupOpening(), alternation(depth + 1));
        };
    }

    private Node charClass() {
        return switch (c.below(13)) {
            case 0 -> new AnyOf("[abc]", "abc");
            case 1 -> new AnyOf("[^ab]", "xyz");
            case 2 -> new AnyOf("[a-c]", "abc");
            case 3 -> new AnyOf("[]x]", "]x");
            case 4 -> new AnyOf("[\\]\\\\s]", "]\\s");
            case 5 -> new AnyOf("[[:alpha:]]", "aZ");
            case 6 -> new AnyOf("[^[:digit:]]", "a-");
            case 7 -> new AnyOf("\\d", "0123456789");
            case 8 -> new AnyOf("\\w", "aZ_9");
            case 9 -> new AnyOf("\\s", " \t");
            case 10 -> new AnyOf("\\pL", "aé");
            case 11 -> new AnyOf("\\p{Greek}", "\u03B1");
            default -> new AnyOf(".", "x-é");
        };
    }

    private Node anchor() {
        String written = switch (c.below(9)) {
            case 0 -> "^";
            case 1 -> "$";
            case 2 -> "\\b";
            case 3 -> "\\B";
            case 4 -> "\\A";
            case 5 -> "\\z";
            case 6 -> "(?i)";
            case 7 -> "(?s)";
            default -> "(?-i)";
        };
        return new Text(written, "");
    }

    private String groupOpening() {
        return switch (c.below(6)) {
            case 0 -> "(?:";
            case 1 -> "(?P<g" + c.below(100) + ">";
            case 2 -> "(?i:";
            default -> "(";
        };
    }
}
