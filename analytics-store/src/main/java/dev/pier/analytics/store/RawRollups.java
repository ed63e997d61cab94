package dev.pier.analytics.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Rollups of the raw level kept up to date on insert (PostgreSQL's table {@code raw_rollups}):
 * the traffic measures per minute, hour and day in total, per hour by each of host, status,
 * security action and WebSocket, and per day by path. A query of traffic that filters and groups
 * by at most one of those dimensions reads them instead of the raw records, each set for the
 * whole buckets of its granularity and a finer set, or the raw records, for the ragged ends: a
 * month of the busiest zone by status is 720 hours of a few rows rather than 1.6 million records.
 * What they cannot answer (the client's address, two dimensions at once, a dimension by minute,
 * WebSocket figures with their percentiles) reads the raw records.
 *
 * <p>The sets are chosen so that they add fewer rows than the records they count: a zone with a
 * few records a minute would add a row per record to a set by minute and status.
 *
 * <p>Only records the insert actually added are counted (the insert's {@code RETURNING}), in the
 * insert's transaction: a batch sent twice adds nothing the second time. The rows cover exactly
 * the zone's raw records: retention deletes them when it rolls those records up.
 */
final class RawRollups {

    static final String TABLE = "raw_rollups";
    /**
     * The columns {@code GROUPING()} is taken over, most significant bit first: a set's id has a
     * bit set for each column it leaves out. The time columns are the record's minute, hour and day.
     */
    private static final List<String> GROUPING_COLUMNS = List.of("host", "path", "status", "security_action", "websocket",
            "minute", "hour", "day");
    /** The traffic measures the rows hold. */
    private static final Set<Measure> MEASURES = EnumSet.of(Measure.REQUESTS, Measure.EDGE_RESPONSE_BYTES, Measure.VISITS,
            Measure.THREATS, Measure.WEBSOCKET_UPGRADES);

    /** One grouping set: its rows, their time granularity and the dimension they keep, if any. */
    record GroupingSet(int id, TimeBucket granularity, Dimension dimension) {

        static GroupingSet of(TimeBucket granularity, Dimension dimension) {
            int id = 0;
            for (String column : GROUPING_COLUMNS) {
                boolean kept = column.equals(granularity.sqlUnit()) || (dimension != null && column.equals(dimension.column()));
                id = id << 1 | (kept ? 0 : 1);
            }
            return new GroupingSet(id, granularity, dimension);
        }

        /** The set's columns in a {@code GROUPING SETS} list. */
        String sql() {
            return "(" + granularity.sqlUnit() + (dimension == null ? "" : ", " + dimension.column()) + ")";
        }
    }

    /** The sets, coarsest first. */
    static final List<GroupingSet> SETS = List.of(
            GroupingSet.of(TimeBucket.DAY, null),
            GroupingSet.of(TimeBucket.DAY, Dimension.PATH),
            GroupingSet.of(TimeBucket.HOUR, null),
            GroupingSet.of(TimeBucket.HOUR, Dimension.HOST),
            GroupingSet.of(TimeBucket.HOUR, Dimension.STATUS),
            GroupingSet.of(TimeBucket.HOUR, Dimension.SECURITY_ACTION),
            GroupingSet.of(TimeBucket.HOUR, Dimension.WEBSOCKET),
            GroupingSet.of(TimeBucket.MINUTE, null));

    /**
     * The statement that adds the rows of a CTE named {@code inserted} (columns zone, ts, host,
     * path, status, security_action, websocket, edge_bytes, visits, threats) to the rollups, as a
     * data-modifying CTE of the same statement. Rows are written in key order, so two nodes
     * inserting at once take their row locks in the same order.
     */
    static String addInsertedSql() {
        return "INSERT INTO " + TABLE + " SELECT zone, GROUPING(" + String.join(", ", GROUPING_COLUMNS) + "), coalesce(minute, hour, day), "
                + "coalesce(host, ''), coalesce(path, ''), coalesce(status, 0), coalesce(security_action, ''), coalesce(websocket, false), "
                + "count(*), sum(upgrade), sum(edge_bytes), sum(visits), sum(threats) FROM (SELECT zone, date_trunc('minute', ts) AS minute, "
                + "date_trunc('hour', ts) AS hour, date_trunc('day', ts) AS day, host, path, status, security_action, websocket, "
                + "CASE WHEN websocket THEN 1 ELSE 0 END AS upgrade, edge_bytes, visits, threats FROM inserted) r GROUP BY zone, GROUPING SETS ("
                + SETS.stream().map(GroupingSet::sql).collect(Collectors.joining(", ")) + ") ORDER BY 1, 2, 3, 4, 5, 6, 7, 8 "
                + "ON CONFLICT (zone, grouping_set, ts, host, path, status, security_action, websocket) DO UPDATE SET "
                + "requests = " + TABLE + ".requests + excluded.requests, upgrades = " + TABLE + ".upgrades + excluded.upgrades, "
                + "edge_bytes = " + TABLE + ".edge_bytes + excluded.edge_bytes, visits = " + TABLE + ".visits + excluded.visits, "
                + "threats = " + TABLE + ".threats + excluded.threats";
    }

    /** Deletes a zone's rows before {@code cutoff} (a UTC midnight), in the caller's transaction. */
    static void delete(Connection c, String zone, Instant cutoff) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("DELETE FROM " + TABLE + " WHERE zone = ? AND ts < ?")) {
            q.setString(1, zone);
            q.setObject(2, StoredRecord.utc(cutoff));
            q.executeUpdate();
        }
    }

    /** The SQL of a measure over the rows. */
    static String sql(Measure m) {
        return switch (m) {
            case REQUESTS -> "sum(requests)";
            case WEBSOCKET_UPGRADES -> "sum(upgrades)";
            case EDGE_RESPONSE_BYTES -> "sum(edge_bytes)";
            case VISITS -> "sum(visits)";
            case THREATS -> "sum(threats)";
            default -> throw new IllegalArgumentException("measure: " + m + " (expected: one of " + MEASURES + ")");
        };
    }

    /**
     * The sets that answer a query's measures, filters and grouping, coarsest first, at most one
     * of each granularity; none when only raw records can.
     */
    static List<GroupingSet> answering(AnalyticsQuery query, List<Measure> measures) {
        if (!MEASURES.containsAll(measures)) {
            return List.of();
        }
        Set<Dimension> used = EnumSet.noneOf(Dimension.class);
        used.addAll(query.groupBy());
        used.addAll(query.filtered()); // an OR across dimensions looks at two, so it reads the raw records
        if (used.size() > 1) {
            return List.of();
        }
        List<GroupingSet> sets = new ArrayList<>();
        for (GroupingSet set : SETS) {
            boolean keeps = used.isEmpty() ? set.dimension() == null : used.contains(set.dimension());
            boolean fineEnough = query.bucket() == null || set.granularity().compareTo(query.bucket()) <= 0;
            boolean finerThanTheLast = sets.isEmpty() || set.granularity().compareTo(sets.getLast().granularity()) < 0;
            if (keeps && fineEnough && finerThanTheLast) {
                sets.add(set);
            }
        }
        return sets;
    }

    /** A part of the raw level's range and the set that answers it; a null set: the raw records. */
    record Span(Instant from, Instant to, GroupingSet set) {
    }

    /**
     * Splits [from, to) of the raw level: the whole buckets of the first set's granularity are
     * answered by it, the ragged ends before and after them by the next sets, and what is left
     * (less than the finest set's granularity at each end) by the raw records.
     */
    static List<Span> split(Instant from, Instant to, List<GroupingSet> sets) {
        List<Span> spans = new ArrayList<>();
        split(from, to, sets, 0, spans);
        return spans;
    }

    private static void split(Instant from, Instant to, List<GroupingSet> sets, int next, List<Span> spans) {
        if (!from.isBefore(to)) {
            return;
        }
        if (next == sets.size()) {
            spans.add(new Span(from, to, null));
            return;
        }
        GroupingSet set = sets.get(next);
        ChronoUnit unit = switch (set.granularity()) {
            case DAY -> ChronoUnit.DAYS;
            case HOUR -> ChronoUnit.HOURS;
            case MINUTE -> ChronoUnit.MINUTES;
        };
        Instant start = from.truncatedTo(unit);
        if (start.isBefore(from)) {
            start = start.plus(1, unit);
        }
        Instant end = to.truncatedTo(unit);
        if (!start.isBefore(end)) {
            split(from, to, sets, next + 1, spans);
            return;
        }
        split(from, start, sets, next + 1, spans);
        spans.add(new Span(start, end, set));
        split(end, to, sets, next + 1, spans);
    }

    private RawRollups() {
    }
}
