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

    private Expression(String source, Compiler.Eval eval) {
        this.source = source;
        this.eval = eval;
    }

    /**
     * Parses, type-checks and compiles an expression.
     *
     * @throws RuleException with the column and a caret when it is not valid for the scheme
     */
    public static Expression parse(Scheme scheme, String source) {
        return new Expression(source, Compiler.compile(Parser.parse(source, scheme)));
    }

    public boolean matches(Context context) {
        return Boolean.TRUE.equals(eval.eval(context));
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }
}
