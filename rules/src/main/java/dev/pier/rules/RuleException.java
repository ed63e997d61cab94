package dev.pier.rules;

/**
 * An expression that cannot be used, with the column it is about and a caret under it:
 * <pre>
 * http.host eq 42
 *              ^ expected Bytes but found Int
 * </pre>
 */
public final class RuleException extends RuntimeException {

    private final int column;

    RuleException(String expression, int column, String problem) {
        super(render(expression, column, problem));
        this.column = column;
    }

    /** The 1-based column the problem is at. */
    public int column() {
        return column;
    }

    private static String render(String expression, int column, String problem) {
        String line = expression.length() > 200 ? expression.substring(0, 200) + "…" : expression;
        int caret = Math.min(Math.max(column - 1, 0), line.length());
        return "column " + column + ": " + problem + "\n" + line + "\n" + " ".repeat(caret) + "^";
    }
}
