package dev.pier.rules;

/**
 * A compiled expression of the Rules language, ready to run against request after request.
 *
 * <pre>{@code
 * Expression rule = Expression.parse(scheme, "http.request.uri.path eq \"/chat\" and not ip.src in {10.0.0.0/8}");
 * boolean hit = rule.matches(context);
 * }</pre>
 * Immutable and thread-safe; a {@link Context} is not, so each thread uses its own.
 */
public final class Expression {

    private final String source;
    private final Compiler.Eval eval;
    private final java.util.Set<String> fields;
    private final java.util.Set<String> lists;
    private final long cost;

    private Expression(String source, Node tree) {
        this.source = source;
        this.eval = Compiler.compile(tree);
        java.util.Set<String> listNames = new java.util.TreeSet<>();
        this.fields = fieldsOf(tree, listNames);
        this.lists = java.util.Collections.unmodifiableSet(listNames);
        this.cost = costOf(tree);
    }

    /**
     * What the expression may cost for each character of the values it reads, in the steps a
     * {@link Context#budget} counts: the program size plus one of each regular expression and
     * wildcard it runs, and one for each other comparison and function call. It bounds the memory
     * its compiled patterns hold too (tens of bytes per instruction), so a ruleset is refused when
     * its rules' costs add up to too much.
     */
    public long cost() {
        return cost;
    }

    private static long costOf(Node tree) {
        long total = 0;
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
        todo.add(tree);
        while (!todo.isEmpty()) {
            switch (todo.poll()) {
                case Node.FieldRef f -> { }
                case Node.Literal l -> { }
                case Node.Index i -> todo.add(i.base());
                case Node.Call c -> {
                    total += Costs.perCharacter(c);
                    todo.addAll(c.args());
                }
                case Node.Compare c -> {
                    total += Costs.perCharacter(c);
                    todo.add(c.left());
                }
                case Node.Not n -> todo.add(n.operand());
                case Node.Logic l -> {
                    todo.add(l.left());
                    todo.add(l.right());
                }
            }
        }
        return total;
    }

    /** The lists the expression names ({@code $office} → "office"), so that a caller can check they exist. */
    public java.util.Set<String> lists() {
        return lists;
    }

    /**
     * Parses, type-checks and compiles an expression.
     *
     * @throws RuleException with the column and a caret when it is not valid for the scheme
     */
    public static Expression parse(Scheme scheme, String source) {
        return new Expression(source, Parser.parse(source, scheme));
    }

    /**
     * Parses a value rather than a condition, such as {@code http.request.headers["x-api-key"][0]}
     * (a rate limiting rule's characteristics); run it with {@link #value(Context)}.
     */
    public static Expression parseValue(Scheme scheme, String source) {
        return new Expression(source, Parser.parseValue(source, scheme));
    }

    /**
     * The characters of the compiled patterns kept now for every expression in this process
     * (regexes, wildcards, and the patterns functions take): at most 262,144, however many
     * distinct patterns are sent.
     */
    public static long cachedPatternCharacters() {
        Regexes.CACHE.cleanUp();
        return Regexes.CACHE.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** @throws EvaluationBudgetExceeded when the context's budget does not cover the run */
    public boolean matches(Context context) {
        return Boolean.TRUE.equals(eval.eval(context));
    }

    /** The value an expression from {@link #parseValue} has for this context, or null when it is missing. */
    public Object value(Context context) {
        return eval.eval(context);
    }

    /** The names of the fields the expression reads, so that a caller may fill only those. */
    public java.util.Set<String> fields() {
        return fields;
    }

    private static java.util.Set<String> fieldsOf(Node tree, java.util.Set<String> lists) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
        todo.add(tree);
        while (!todo.isEmpty()) {
            switch (todo.poll()) {
                case Node.FieldRef f -> out.add(f.field().name());
                case Node.Literal l -> { }
                case Node.Index i -> todo.add(i.base());
                case Node.Call c -> todo.addAll(c.args());
                case Node.Compare c -> {
                    todo.add(c.left());
                    if (c.right() instanceof Parser.ListRef list) {
                        lists.add(list.name());
                    }
                }
                case Node.Not n -> todo.add(n.operand());
                case Node.Logic l -> {
                    todo.add(l.left());
                    todo.add(l.right());
                }
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }
}
