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

/**
 * Rollups of the raw level kept up to date on insert (PostgreSQL's table {@code raw_rollups}):
 * the traffic measures per minute, in total and by each of host, status, security action and
 * WebSocket, and per day by path. A query of traffic that filters and groups by at most one of
 * those dimensions reads them instead of the raw records: a month of the busiest zone is 43,200
 * rows per set rather than 1.6 million records. What they cannot answer (the client's address,
 * two dimensions at once, WebSocket figures with their percentiles) reads the raw records.
 *
 * <p>Only records the insert actually added are counted (the insert's {@code RETURNING}), in the
 * insert's transaction: a batch sent twice adds nothing the second time. The rows cover exactly
 * the zone's raw records: retention deletes them when it rolls those records up.
 */
final class RawRollups {

    static final String TABLE = "raw_rollups";
    /** The columns {@code GROUPING()} is taken over, most significant bit first. */
    private static final List<Dimension> GROUPING_COLUMNS = List.of(Dimension.HOST, Dimension.PATH, Dimension.STATUS,
            Dimension.SECURITY_ACTION, Dimension.WEBSOCKET);
    /** The traffic measures the rows hold. */
    private static final Set<Measure> MEASURES = EnumSet.of(Measure.REQUESTS, Measure.EDGE_RESPONSE_BYTES, Measure.VISITS,
            Measure.THREATS, Measure.WEBSOCKET_UPGRADES);

    /** One grouping set: its rows, their time granularity and the dimensions they keep. */
    record GroupingSet(int id, TimeBucket granularity, Set<Dimension> dimensions) {

        static GroupingSet of(TimeBucket granularity, Dimension... kept) {
            Set<Dimension> dimensions = kept.length == 0 ? EnumSet.noneOf(Dimension.class) : EnumSet.of(kept[0], kept);
            int id = 0;
            for (Dimension d : GROUPING_COLUMNS) {
                id = id << 1 | (dimensions.contains(d) ? 0 : 1);
            }
            return new GroupingSet(id, granularity, dimensions);
        }
    }

    /** The sets, fewest dimensions first: a query takes the first that keeps what it uses. */
    static final List<GroupingSet> SETS = List.of(
            GroupingSet.of(TimeBucket.MINUTE),
            GroupingSet.of(TimeBucket.MINUTE, Dimension.HOST),
            GroupingSet.of(TimeBucket.MINUTE, Dimension.STATUS),
            GroupingSet.of(TimeBucket.MINUTE, Dimension.SECURITY_ACTION),
            GroupingSet.of(TimeBucket.MINUTE, Dimension.WEBSOCKET),
            GroupingSet.of(TimeBucket.DAY, Dimension.PATH));

    /**
     * The statement that adds the rows of a CTE named {@code inserted} (columns zone, ts, host,
     * path, status, security_action, websocket, edge_bytes, visits, threats) to the rollups, as a
     * data-modifying CTE of the same statement. Rows are written in key order, so two nodes
     * inserting at once take their row locks in the same order.
     */
    static String addInsertedSql() {
        return "INSERT INTO " + TABLE + " SELECT zone, GROUPING(host, path, status, security_action, websocket), coalesce(minute, day), "
                + "coalesce(host, ''), coalesce(path, ''), coalesce(status, 0), coalesce(security_action, ''), coalesce(websocket, false), "
                + "count(*), sum(upgrade), sum(edge_bytes), sum(visits), sum(threats) FROM (SELECT zone, date_trunc('minute', ts) AS minute, "
                + "date_trunc('day', ts) AS day, host, path, status, security_action, websocket, CASE WHEN websocket THEN 1 ELSE 0 END AS upgrade, "
                + "edge_bytes, visits, threats FROM inserted) r GROUP BY zone, GROUPING SETS ((minute), (minute, host), (minute, status), "
                + "(minute, security_action), (minute, websocket), (day, path)) ORDER BY 1, 2, 3, 4, 5, 6, 7, 8 "
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

    /** The set that answers a query's measures, filters and grouping; null when only raw records can. */
    static GroupingSet answering(AnalyticsQuery query, List<Measure> measures) {
        if (!MEASURES.containsAll(measures)) {
            return null;
        }
        Set<Dimension> used = EnumSet.noneOf(Dimension.class);
        used.addAll(query.groupBy());
        query.filters().forEach(f -> used.add(f.dimension()));
        for (GroupingSet set : SETS) {
            if (set.dimensions().containsAll(used) && (query.bucket() == null || set.granularity().compareTo(query.bucket()) <= 0)) {
                return set;
            }
        }
        return null;
    }

    /** A part of the raw level's range and the set that answers it; a null set: the raw records. */
    record Span(Instant from, Instant to, GroupingSet set) {
    }

    /**
     * Splits [from, to) of the raw level into the whole buckets of the set's granularity, answered
     * by the set, and the ragged ends before and after them, answered by the raw records.
     */
    static List<Span> split(Instant from, Instant to, GroupingSet set) {
        if (set == null) {
            return List.of(new Span(from, to, null));
        }
        ChronoUnit unit = set.granularity() == TimeBucket.DAY ? ChronoUnit.DAYS
                : set.granularity() == TimeBucket.HOUR ? ChronoUnit.HOURS : ChronoUnit.MINUTES;
        Instant start = from.truncatedTo(unit);
        if (start.isBefore(from)) {
            start = start.plus(1, unit);
        }
        Instant end = to.truncatedTo(unit);
        if (!start.isBefore(end)) {
            return List.of(new Span(from, to, null));
        }
        List<Span> spans = new ArrayList<>(3);
        if (from.isBefore(start)) {
            spans.add(new Span(from, start, null));
        }
        spans.add(new Span(start, end, set));
        if (end.isBefore(to)) {
            spans.add(new Span(end, to, null));
        }
        return spans;
    }

    private RawRollups() {
    }
}
