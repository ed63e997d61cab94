package dev.pier.analytics.store;

import java.util.List;
import java.util.Set;

/**
 * What a record must meet to count: one {@link Filter} on a dimension, or conditions joined with
 * AND ({@link All}) or OR ({@link Any}), nested as Cloudflare's GraphQL filters nest
 * ({@code {AND: [{OR: [{edgeResponseStatus: 404}, {clientRequestPath_like: "/api/%"}]}, ...]}}).
 */
public sealed interface Condition permits Filter, Condition.All, Condition.Any {

    /** Adds the dimensions the condition looks at to {@code into}. */
    void dimensions(Set<Dimension> into);

    /** A record meets every one of the conditions. */
    record All(List<Condition> conditions) implements Condition {
        public All {
            conditions = List.copyOf(conditions);
            if (conditions.isEmpty()) {
                throw new IllegalArgumentException("filter: AND [] (expected: at least one condition)");
            }
        }

        @Override
        public void dimensions(Set<Dimension> into) {
            conditions.forEach(c -> c.dimensions(into));
        }
    }

    /** A record meets at least one of the conditions. */
    record Any(List<Condition> conditions) implements Condition {
        public Any {
            conditions = List.copyOf(conditions);
            if (conditions.isEmpty()) {
                throw new IllegalArgumentException("filter: OR [] (expected: at least one alternative)");
            }
        }

        @Override
        public void dimensions(Set<Dimension> into) {
            conditions.forEach(c -> c.dimensions(into));
        }
    }

    static Condition all(Condition... conditions) {
        return new All(List.of(conditions));
    }

    static Condition any(Condition... conditions) {
        return new Any(List.of(conditions));
    }
}
