package dev.pier.control.api;

import dev.pier.analytics.store.AnalyticsQuery;
import dev.pier.analytics.store.Condition;
import dev.pier.analytics.store.Dimension;
import dev.pier.analytics.store.Filter;
import dev.pier.analytics.store.Measure;
import dev.pier.analytics.store.TimeBucket;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one of Cloudflare's group nodes ({@code limit}, {@code filter},
 * {@code orderBy}): their SDL, and their translation, with the selected dimensions, into an
 * {@link AnalyticsQuery} within the node's {@link NodeLimits}.
 *
 * <p>Time dimensions group by the store's time bucket named for them (the store's finest is
 * the minute, so an adaptive node's {@code datetime} is the minute's start); their filters
 * bound the query's time range. Other dimensions group and filter as the store's dimensions.
 *
 * @param typePrefix the prefix of the node's GraphQL types, as Cloudflare names them
 * @param timeFields the time dimensions it has, with the bucket each groups by
 * @param dimensions its other dimensions by field name
 * @param measures   the aggregates it orders by ({@code count}, {@code sum_edgeResponseBytes}, …) and their measures
 * @param limits     how wide, how old and how large a query may be
 * @param requestSource whether the node has Cloudflare's {@code requestSource} dimension: every request Pier
 *                   records comes from a client, so it is always {@code eyeball} (Cloudflare's other sources are
 *                   its own subrequests), and a filter on it accepts {@code eyeball} only
 */
record NodeArguments(String typePrefix, Map<String, TimeBucket> timeFields, Map<String, Dimension> dimensions,
                     Map<String, Measure> measures, NodeLimits limits, boolean requestSource) {

    static final String REQUEST_SOURCE = "requestSource";
    static final String EYEBALL = "eyeball";

    /** Groups a node returns when the query names no limit. */
    static final int DEFAULT_LIMIT = 100;

    private static final List<String> SUFFIXES = List.of("_neq", "_gt", "_lt", "_geq", "_leq", "_in", "_like");

    @SuppressWarnings("unchecked")
    static <V> Map<String, V> ordered(Object... pairs) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (V) pairs[i + 1]);
        }
        return map;
    }

    /** The node's field on a zone, in SDL. */
    String field(String name, String groupType) {
        return "  " + name + "(limit: uint64, filter: " + filterType() + ", orderBy: [" + orderType() + "!]): [" + groupType + "!]!\n";
    }

    /** The node's dimensions type: its time fields, then its other dimensions. */
    String dimensionsSdl() {
        StringBuilder s = new StringBuilder("type ").append(typePrefix).append("Dimensions {\n");
        timeFields.keySet().forEach(f -> s.append("  ").append(f).append(": ").append(timeType(f)).append("\n"));
        dimensions.forEach((f, d) -> s.append("  ").append(f).append(": ").append(type(d)).append("\n"));
        if (requestSource) {
            s.append("  \"\"\"Where the request came from: always eyeball (a client).\"\"\"\n  ").append(REQUEST_SOURCE).append(": string\n");
        }
        return s.append("}\n").toString();
    }

    /** The filter input and order enum, in SDL. */
    String sdl() {
        StringBuilder s = new StringBuilder();
        s.append("input ").append(filterType()).append(" {\n  AND: [").append(filterType()).append("!]\n  OR: [")
                .append(filterType()).append("!]\n");
        timeFields.keySet().forEach(f -> {
            for (String suffix : List.of("", "_gt", "_lt", "_geq", "_leq")) {
                s.append("  ").append(f).append(suffix).append(": ").append(timeType(f)).append("\n");
            }
        });
        dimensions.forEach((f, d) -> {
            s.append("  ").append(f).append(": ").append(type(d)).append("\n  ").append(f).append("_neq: ").append(type(d)).append("\n");
            if (d.type() != Dimension.ValueType.BOOLEAN) {
                for (String suffix : List.of("_gt", "_lt", "_geq", "_leq")) {
                    s.append("  ").append(f).append(suffix).append(": ").append(type(d)).append("\n");
                }
                s.append("  ").append(f).append("_in: [").append(type(d)).append("!]\n");
            }
            if (d.type() == Dimension.ValueType.STRING) {
                s.append("  ").append(f).append("_like: string\n");
            }
        });
        if (requestSource) {
            s.append("  ").append(REQUEST_SOURCE).append(": string\n  ").append(REQUEST_SOURCE).append("_in: [string!]\n");
        }
        s.append("}\nenum ").append(orderType()).append(" {\n");
        List<String> orderable = new ArrayList<>(measures.keySet());
        orderable.addAll(timeFields.keySet());
        orderable.addAll(dimensions.keySet());
        orderable.forEach(f -> s.append("  ").append(f).append("_ASC\n  ").append(f).append("_DESC\n"));
        s.append("}\n");
        return s.toString();
    }

    String filterType() {
        return typePrefix + "Filter_InputObject";
    }

    private String orderType() {
        return typePrefix + "OrderBy";
    }

    private static String timeType(String field) {
        return field.equals("date") ? "Date" : "Time";
    }

    private static String type(Dimension d) {
        return switch (d.type()) {
            case STRING -> "string";
            case INT -> "uint16";
            case BOOLEAN -> "Boolean";
        };
    }

    /** A row's time as each of the node's time dimensions shows it. */
    Map<String, Object> timeDimensions(Instant t) {
        Map<String, Object> dims = new LinkedHashMap<>();
        if (requestSource) {
            dims.put(REQUEST_SOURCE, EYEBALL);
        }
        if (t != null) {
            for (Map.Entry<String, TimeBucket> f : timeFields.entrySet()) {
                dims.put(f.getKey(), switch (f.getValue()) {
                    case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES).toString();
                    case HOUR -> t.truncatedTo(ChronoUnit.HOURS).toString();
                    case DAY -> LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
                });
            }
        }
        return dims;
    }

    /**
     * The store's question for one zone.
     *
     * @param selected the names of the dimensions the query selects
     */
    AnalyticsQuery query(String zone, Object limit, Map<String, Object> filter, List<String> orderBy, List<String> selected,
                         Instant now, Duration notOlderThan) {
        TimeRange range = new TimeRange();
        List<Condition> filters = new ArrayList<>();
        if (filter != null) {
            collect(filter, range, filters, false);
        }
        if (range.from == null) {
            throw new IllegalArgumentException("filter: no start of the time range (expected: one of "
                    + timeFields.keySet().stream().map(f -> f + "_geq").toList() + ")");
        }
        Instant to = range.to == null ? now : range.to;
        limits.check(range.from, to, now, notOlderThan);
        AnalyticsQuery.Builder query = AnalyticsQuery.builder(zone, range.from, to);
        filters.forEach(query::filter);
        TimeBucket bucket = null;
        List<Dimension> groupBy = new ArrayList<>();
        for (String field : selected) {
            if (timeFields.containsKey(field)) {
                TimeBucket b = timeFields.get(field);
                bucket = bucket == null || b.width().compareTo(bucket.width()) < 0 ? b : bucket;
            } else if (dimensions.containsKey(field) && !groupBy.contains(dimensions.get(field))) {
                groupBy.add(dimensions.get(field));
            }
        }
        query.bucket(bucket).groupBy(groupBy.toArray(Dimension[]::new));
        if (orderBy != null) {
            orderBy.forEach(term -> query.orderBy(order(term)));
        }
        long n = limit == null ? DEFAULT_LIMIT : ((Number) limit).longValue();
        limits.checkPageSize(n);
        return query.limit((int) n).build();
    }

    private AnalyticsQuery.Order order(String value) {
        boolean descending = value.endsWith("_DESC");
        String field = value.substring(0, value.lastIndexOf('_'));
        if (measures.containsKey(field)) {
            return AnalyticsQuery.Order.by(measures.get(field), descending);
        }
        if (timeFields.containsKey(field)) {
            return AnalyticsQuery.Order.byTime(descending);
        }
        return AnalyticsQuery.Order.by(dimensions.get(field), descending);
    }

    /**
     * Adds the conditions of one filter object, all of which a record meets, to {@code conditions};
     * its time fields bound the range instead, and so may not be under an OR ({@code underOr}):
     * the range is what every record of the query shares.
     */
    @SuppressWarnings("unchecked")
    private void collect(Map<String, Object> filter, TimeRange range, List<Condition> conditions, boolean underOr) {
        for (Map.Entry<String, Object> condition : filter.entrySet()) {
            String key = condition.getKey();
            Object value = condition.getValue();
            if (value == null) {
                continue;
            }
            if (key.equals("AND")) {
                ((List<Map<String, Object>>) value).forEach(f -> collect(f, range, conditions, underOr));
            } else if (key.equals("OR")) {
                List<Condition> alternatives = new ArrayList<>();
                boolean alwaysMet = false; // an alternative without conditions on records ({requestSource: eyeball}) meets every record
                for (Map<String, Object> branch : (List<Map<String, Object>>) value) {
                    List<Condition> all = new ArrayList<>();
                    collect(branch, range, all, true);
                    alwaysMet |= all.isEmpty();
                    if (!all.isEmpty()) {
                        alternatives.add(all.size() == 1 ? all.getFirst() : new Condition.All(all));
                    }
                }
                if (!alwaysMet) {
                    conditions.add(new Condition.Any(alternatives)); // refuses OR: [] with a clear message
                }
            } else {
                String suffix = SUFFIXES.stream().filter(key::endsWith).findFirst().orElse("");
                String field = key.substring(0, key.length() - suffix.length());
                if (timeFields.containsKey(field)) {
                    if (underOr) {
                        throw new IllegalArgumentException("filter: " + key + " under OR (expected: time bounds outside any OR;"
                                + " they set the query's time range, which every alternative shares)");
                    }
                    range.bound(field, suffix, value);
                } else if (requestSource && field.equals(REQUEST_SOURCE)) {
                    List<?> sources = value instanceof List<?> l ? l : List.of(value);
                    if (!sources.contains(EYEBALL)) {
                        throw new IllegalArgumentException("filter: " + key + ": " + value + " (expected: " + EYEBALL
                                + "; every request Pier records comes from a client)");
                    }
                } else {
                    conditions.add(new Filter(dimensions.get(field), operator(suffix),
                            value instanceof List<?> l ? List.copyOf(l) : List.of(value)));
                }
            }
        }
    }

    private static Filter.Operator operator(String suffix) {
        return switch (suffix) {
            case "" -> Filter.Operator.EQ;
            case "_neq" -> Filter.Operator.NEQ;
            case "_gt" -> Filter.Operator.GT;
            case "_lt" -> Filter.Operator.LT;
            case "_geq" -> Filter.Operator.GEQ;
            case "_leq" -> Filter.Operator.LEQ;
            case "_in" -> Filter.Operator.IN;
            default -> Filter.Operator.LIKE;
        };
    }

    /** The bounds the time filters set: the latest start and the earliest end. */
    private static final class TimeRange {
        Instant from;
        Instant to;

        void bound(String field, String suffix, Object value) {
            Instant start;
            Duration width;
            try {
                if (field.equals("date")) {
                    start = LocalDate.parse(value.toString()).atStartOfDay(ZoneOffset.UTC).toInstant();
                    width = Duration.ofDays(1);
                } else {
                    start = Instant.parse(value.toString());
                    width = switch (field) {
                        case "datetimeMinute" -> Duration.ofMinutes(1);
                        case "datetimeHour" -> Duration.ofHours(1);
                        default -> Duration.ofSeconds(1); // Cloudflare's datetime is to the second
                    };
                }
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("filter: " + field + suffix + ": '" + value + "' (expected: "
                        + (field.equals("date") ? "a date, e.g. 2026-12-07)" : "a time, e.g. 2026-12-07T10:00:00Z)"));
            }
            switch (suffix) {
                case "" -> { from(start); to(start.plus(width)); }
                case "_geq" -> from(start);
                case "_gt" -> from(start.plus(width));
                case "_lt" -> to(start);
                case "_leq" -> to(start.plus(width));
                default -> throw new IllegalArgumentException("filter: " + field + suffix + " (expected: " + field + " with _geq, _gt, _lt, _leq or none)");
            }
        }

        private void from(Instant start) {
            from = from == null || start.isAfter(from) ? start : from;
        }

        private void to(Instant end) {
            to = to == null || end.isBefore(to) ? end : to;
        }
    }
}
