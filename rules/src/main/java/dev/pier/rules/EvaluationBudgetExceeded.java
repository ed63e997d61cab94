package dev.pier.rules;

/**
 * Thrown out of {@link Expression#matches} and {@link Expression#value} when running the
 * expression would spend more than what is left of its context's budget ({@link Context#budget}):
 * the comparison that would overspend is not run, and the expression has no result. One shared
 * instance without a stack trace, so running out costs no allocation.
 */
public final class EvaluationBudgetExceeded extends RuntimeException {

    static final EvaluationBudgetExceeded INSTANCE = new EvaluationBudgetExceeded();

    private EvaluationBudgetExceeded() {
        super("the rules' evaluation budget for this request is spent", null, false, false);
    }
}
