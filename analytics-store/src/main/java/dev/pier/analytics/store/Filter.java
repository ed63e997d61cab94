package dev.pier.analytics.store;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One condition on a dimension, with the operators of Cloudflare's GraphQL filters
 * ({@code clientRequestPath_like}, {@code edgeResponseStatus_geq}, {@code clientIP_in}, …).
 * Conditions join with AND and OR as {@link Condition}s.
 *
 * @param values one value, or several for {@link Operator#IN}; typed as the dimension is
 *               (String, Integer, Boolean); {@code LIKE} takes SQL's {@code %} and {@code _}
 */
public record Filter(Dimension dimension, Operator operator, List<Object> values) implements Condition {

    /** Cloudflare's filter suffixes: none, {@code _neq}, {@code _gt}, {@code _lt}, {@code _geq}, {@code _leq}, {@code _in}, {@code _like}. */
    public enum Operator {
        EQ("="), NEQ("<>"), GT(">"), LT("<"), GEQ(">="), LEQ("<="), IN("IN"), LIKE("LIKE");

        final String sql;

        Operator(String sql) {
            this.sql = sql;
        }
    }

    public Filter {
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(operator, "operator");
        values = List.copyOf(values);
        if (values.isEmpty() || (operator != Operator.IN && values.size() != 1)) {
            throw new IllegalArgumentException("filter on " + dimension + " " + operator + ": " + values.size()
                    + " values (expected: one, or at least one for IN)");
        }
        for (Object value : values) {
            if (!typed(dimension.type(), value)) {
                throw new IllegalArgumentException("filter on " + dimension + ": '" + value + "' (expected: "
                        + switch (dimension.type()) {
                            case STRING -> "a string";
                            case INT -> "an integer";
                            case BOOLEAN -> "true or false";
                        } + ")");
            }
        }
        if (operator == Operator.LIKE && dimension.type() != Dimension.ValueType.STRING) {
            throw new IllegalArgumentException("filter on " + dimension + ": LIKE (expected: a text dimension)");
        }
    }

    @Override
    public void dimensions(Set<Dimension> into) {
        into.add(dimension);
    }

    public static Filter eq(Dimension dimension, Object value) {
        return new Filter(dimension, Operator.EQ, List.of(value));
    }

    public static Filter in(Dimension dimension, List<?> values) {
        return new Filter(dimension, Operator.IN, List.copyOf(values));
    }

    private static boolean typed(Dimension.ValueType type, Object value) {
        return switch (type) {
            case STRING -> value instanceof String;
            case INT -> value instanceof Integer;
            case BOOLEAN -> value instanceof Boolean;
        };
    }
}
