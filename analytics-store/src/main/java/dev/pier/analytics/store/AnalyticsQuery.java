package dev.pier.analytics.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One question to the store, in the shape of a GraphQL Analytics node: a zone, a time range,
 * optionally a time bucket, conditions joined with AND (each perhaps an AND or OR of others), the
 * dimensions to group by, the order terms and a limit. Without a bucket and dimensions the answer is one row of totals.
 *
 * @param zone    the zone's name ({@code ZoneName})
 * @param from    the range's start, included
 * @param to      the range's end, excluded
 * @param bucket  the time bucket to group by, or null for none
 * @param filters conditions on dimensions, all of which a record meets
 * @param groupBy the dimensions to group by, in the order the rows carry them
 * @param order   how rows are ordered, term after term, then by time bucket and dimensions; null or empty: by
 *                time bucket, then dimensions
 * @param limit   at most this many rows (the top N when ordered by a measure)
 */
public record AnalyticsQuery(String zone, Instant from, Instant to, TimeBucket bucket, List<Condition> filters,
                             List<Dimension> groupBy, List<Order> order, int limit) {

    /** The most rows one query returns. */
    public static final int MAX_LIMIT = 10_000;

    /**
     * Rows ordered by a measure, by a dimension of the group, or by the time bucket.
     *
     * @param measure   the measure to order by, or null
     * @param dimension the dimension to order by, or null (with neither, by the time bucket)
     */
    public record Order(Measure measure, Dimension dimension, boolean descending) {
        public Order {
            if (measure != null && dimension != null) {
                throw new IllegalArgumentException("order: by a measure or by a dimension (expected: one of them)");
            }
        }

        public static Order by(Measure measure, boolean descending) {
            return new Order(measure, null, descending);
        }

        public static Order by(Dimension dimension, boolean descending) {
            return new Order(null, dimension, descending);
        }

        public static Order byTime(boolean descending) {
            return new Order(null, null, descending);
        }
    }

    public AnalyticsQuery {
        if (zone == null || zone.isBlank()) {
            throw new IllegalArgumentException("zone: missing (expected: a zone's name)");
        }
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("time range: " + from + " to " + to + " (expected: a start before the end)");
        }
        filters = List.copyOf(filters);
        groupBy = List.copyOf(groupBy);
        order = order == null ? List.of() : List.copyOf(order);
        if (groupBy.size() != groupBy.stream().distinct().count()) {
            throw new IllegalArgumentException("group by: " + groupBy + " (expected: each dimension once)");
        }
        for (Order o : order) {
            if (o.dimension() != null && !groupBy.contains(o.dimension())) {
                throw new IllegalArgumentException("order: by " + o.dimension() + ", which the rows are not grouped by (expected: one of "
                        + groupBy + ")");
            }
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1 to " + MAX_LIMIT + ")");
        }
    }

    /** A query of the zone's totals over [from, to): no bucket, no filter, no grouping. */
    public static Builder builder(String zone, Instant from, Instant to) {
        return new Builder(zone, from, to);
    }

    /** Whether the query needs raw records (it filters or groups by a dimension rollups do not keep). */
    boolean needsRawRecords() {
        return groupBy.stream().anyMatch(d -> !d.keptInRollups()) || filtered().stream().anyMatch(d -> !d.keptInRollups());
    }

    /** The dimensions the conditions look at, at any depth. */
    Set<Dimension> filtered() {
        Set<Dimension> dimensions = EnumSet.noneOf(Dimension.class);
        filters.forEach(f -> f.dimensions(dimensions));
        return dimensions;
    }

    /** Builds a query; every part but the zone and range is optional. */
    public static final class Builder {
        private final String zone;
        private final Instant from;
        private final Instant to;
        private TimeBucket bucket;
        private final List<Condition> filters = new ArrayList<>();
        private final List<Dimension> groupBy = new ArrayList<>();
        private final List<Order> order = new ArrayList<>();
        private int limit = MAX_LIMIT;

        private Builder(String zone, Instant from, Instant to) {
            this.zone = zone;
            this.from = from;
            this.to = to;
        }

        public Builder bucket(TimeBucket bucket) {
            this.bucket = bucket;
            return this;
        }

        /** Adds a condition a record must also meet: a {@link Filter}, or an AND or OR of others. */
        public Builder filter(Condition filter) {
            filters.add(filter);
            return this;
        }

        public Builder groupBy(Dimension... dimensions) {
            groupBy.addAll(List.of(dimensions));
            return this;
        }

        /** Adds order terms, applied after those already given. */
        public Builder orderBy(Order... terms) {
            order.addAll(List.of(terms));
            return this;
        }

        public Builder limit(int limit) {
            this.limit = limit;
            return this;
        }

        public AnalyticsQuery build() {
            return new AnalyticsQuery(zone, from, to, bucket, filters, groupBy, order, limit);
        }
    }
}
