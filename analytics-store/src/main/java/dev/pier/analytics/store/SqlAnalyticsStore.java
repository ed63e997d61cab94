package dev.pier.analytics.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What both stores share: the tables' shape (raw records, and rollups by minute, hour and day
 * with the same dimension columns), the queries over them and the retention job. A query is
 * answered from each level over the part of its range that level holds (see {@link Watermarks}),
 * and the parts are added up, so a range that reaches past the raw retention has the same totals.
 */
abstract class SqlAnalyticsStore implements AnalyticsStore {

    /** The dimension columns every level has, in rollup key order. */
    static final String ROLLUP_KEYS = "host, path, status, security_action, websocket, close_code, close_source, close_reason, scheme, "
            + "http_protocol";
    static final String ROLLUP_COLUMNS = "zone, ts, " + ROLLUP_KEYS + ", requests, edge_bytes, client_bytes, visits, threats, "
            + "duration_ms, client_messages, origin_messages";
    private static final List<Measure> TRAFFIC = List.of(Measure.REQUESTS, Measure.EDGE_RESPONSE_BYTES, Measure.VISITS,
            Measure.THREATS, Measure.WEBSOCKET_UPGRADES);
    private static final List<Measure> WEBSOCKET = List.of(Measure.CONNECTIONS, Measure.DURATION_MS, Measure.CLIENT_MESSAGES,
            Measure.ORIGIN_MESSAGES, Measure.BYTES_FROM_CLIENT, Measure.BYTES_TO_CLIENT);
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};

    protected final Retention retention;

    SqlAnalyticsStore(Retention retention) {
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    /** A connection for one call; closing it returns it. */
    abstract Connection connection() throws SQLException;

    /** The SQL of a continuous quantile of the raw records' {@code duration_ms}. */
    abstract String quantileSql(double fraction);

    /** Where the store is, for error messages (no password). */
    abstract String describe();

    /** Whether inserts keep {@link RawRollups} up to date, so that queries of the raw level may read them. */
    boolean keepsRawRollups() {
        return false;
    }

    @Override
    public List<TrafficRow> traffic(AnalyticsQuery query) {
        return aggregate(query, TRAFFIC).stream()
                .map(g -> new TrafficRow(g.time, g.dimensions(query.groupBy()), g.sums[0], g.sums[1], g.sums[2], g.sums[3], g.sums[4]))
                .toList();
    }

    @Override
    public List<WebSocketRow> webSockets(AnalyticsQuery query) {
        return aggregate(query, WEBSOCKET).stream()
                .map(g -> new WebSocketRow(g.time, g.dimensions(query.groupBy()), g.sums[0], g.sums[1], g.quantile(0), g.quantile(1),
                        g.quantile(2), g.sums[2], g.sums[3], g.sums[4], g.sums[5]))
                .toList();
    }

    @Override
    public Retention retention() {
        return retention;
    }

    @Override
    public List<UniquesRow> uniques(AnalyticsQuery query) {
        if (!query.filters().isEmpty() || !query.groupBy().isEmpty()
                || query.order().stream().anyMatch(o -> o.measure() != null || o.dimension() != null)) {
            throw new IllegalArgumentException("uniques: filtered by " + query.filters() + ", grouped by " + query.groupBy()
                    + " (expected: a time range and bucket only; rollups keep clients' addresses apart from other dimensions)");
        }
        try (Connection c = connection()) {
            List<Part> parts = plan(query, Watermarks.read(c, query.zone()), List.of());
            if (parts.isEmpty()) {
                return query.bucket() == null ? List.of(new UniquesRow(null, 0)) : List.of();
            }
            String bucket = query.bucket() == null ? null : "CAST(date_trunc('" + query.bucket().sqlUnit() + "', ts) AS TIMESTAMP)";
            String union = parts.stream().map(p -> "SELECT ts, client_ip FROM " + p.level().clientIpTable
                    + " WHERE zone = ? AND ts >= ? AND ts < ?").collect(Collectors.joining(" UNION ALL "));
            String sql = "SELECT " + (bucket == null ? "" : bucket + ", ") + "count(DISTINCT client_ip) FROM (" + union + ") t"
                    + (bucket == null ? "" : " GROUP BY 1 ORDER BY 1" + (!query.order().isEmpty() && query.order().getFirst().descending() ? " DESC" : "")
                    + " LIMIT " + query.limit());
            List<UniquesRow> rows = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(sql)) {
                int p = 1;
                for (Part part : parts) {
                    q.setString(p++, query.zone());
                    q.setObject(p++, StoredRecord.utc(part.from()));
                    q.setObject(p++, StoredRecord.utc(part.to()));
                }
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        Instant time = bucket == null ? null : StoredRecord.instant(rs.getObject(1, LocalDateTime.class));
                        rows.add(new UniquesRow(time, rs.getLong(bucket == null ? 1 : 2)));
                    }
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new AnalyticsStoreException("analytics store " + describe() + ": query failed (" + e.getMessage() + ")", e);
        }
    }

    /** One group of a result as it is merged across levels. */
    private static final class Group {
        final Instant time;
        final List<Object> keys;
        final long[] sums;
        Double[] quantiles;

        Group(Instant time, List<Object> keys, int measures) {
            this.time = time;
            this.keys = keys;
            this.sums = new long[measures];
        }

        Map<Dimension, Object> dimensions(List<Dimension> groupBy) {
            Map<Dimension, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < groupBy.size(); i++) {
                map.put(groupBy.get(i), keys.get(i));
            }
            return map;
        }

        Double quantile(int i) {
            return quantiles == null ? null : quantiles[i];
        }
    }

    /** The part of a query's range one level answers; for the raw level, perhaps from a set of its rollups. */
    private record Part(Level level, Instant from, Instant to, RawRollups.GroupingSet rawRollup) {
    }

    private List<Group> aggregate(AnalyticsQuery query, List<Measure> measures) {
        for (AnalyticsQuery.Order o : query.order()) {
            if (o.measure() != null && !measures.contains(o.measure())) {
                throw new IllegalArgumentException("order: " + o.measure() + " (expected: one of " + measures + ")");
            }
        }
        try (Connection c = connection()) {
            List<Part> parts = plan(query, Watermarks.read(c, query.zone()),
                    keepsRawRollups() ? RawRollups.answering(query, measures) : List.of());
            boolean quantiles = measures == WEBSOCKET && parts.size() == 1 && parts.getFirst().level() == Level.RAW
                    && parts.getFirst().rawRollup() == null;
            // else the parts are added up first, then ordered and cut here; but groups by time alone, ordered by time, are
            // ordered alike in each part and here, so each part's first rows hold every contribution to the first groups
            boolean orderedByTime = query.groupBy().isEmpty() && query.order().stream().allMatch(o -> o.measure() == null);
            boolean limitInSql = parts.size() == 1 || orderedByTime;
            Map<List<Object>, Group> groups = new LinkedHashMap<>();
            for (Part part : parts) {
                read(c, query, measures, part, quantiles, limitInSql, groups);
            }
            if (parts.isEmpty() && query.bucket() == null && query.groupBy().isEmpty()) {
                groups.put(List.of(), new Group(null, List.of(), measures.size())); // totals of nothing: zeros
            }
            return groups.values().stream().sorted(order(query, measures)).limit(query.limit()).toList();
        } catch (SQLException e) {
            throw new AnalyticsStoreException("analytics store " + describe() + ": query failed (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Which level answers which part of the range: raw records (or the set of their rollups that
     * answer the query, for whole buckets of theirs), then minutes, hours and days further back.
     */
    private static List<Part> plan(AnalyticsQuery query, Watermarks marks, List<RawRollups.GroupingSet> rawRollups) {
        Instant rawSince = marks.before(Level.RAW);
        if (query.needsRawRecords() && query.from().isBefore(rawSince)) {
            throw new IllegalArgumentException("time range: from " + query.from() + ", but the client's address is kept in raw records only, "
                    + "since " + rawSince + " for zone " + query.zone() + " (expected: a range from then on)");
        }
        List<Part> parts = new ArrayList<>();
        Instant end = query.to();
        for (Level level : Level.values()) {
            Instant start = level == Level.DAY ? query.from() : later(query.from(), marks.before(level));
            if (start.isBefore(end)) {
                if (level == Level.RAW) {
                    RawRollups.split(start, end, rawRollups).forEach(s -> parts.add(new Part(level, s.from(), s.to(), s.set())));
                } else {
                    parts.add(new Part(level, start, end, null));
                }
            }
            end = earlier(end, start);
            if (!query.from().isBefore(end)) {
                break;
            }
        }
        return parts;
    }

    private void read(Connection c, AnalyticsQuery query, List<Measure> measures, Part part, boolean quantiles, boolean limitInSql,
                      Map<List<Object>, Group> groups) throws SQLException {
        RawRollups.GroupingSet rawRollup = part.rawRollup();
        boolean raw = part.level() == Level.RAW && rawRollup == null;
        List<String> select = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        if (query.bucket() != null) {
            keys.add("CAST(date_trunc('" + query.bucket().sqlUnit() + "', ts) AS TIMESTAMP)");
        }
        query.groupBy().forEach(d -> keys.add(d.column()));
        select.addAll(keys);
        for (int i = 0; i < measures.size(); i++) {
            String sum = rawRollup != null ? RawRollups.sql(measures.get(i)) : sql(measures.get(i), raw);
            select.add("CAST(coalesce(" + sum + ", 0) AS BIGINT) AS m" + i);
        }
        if (quantiles) {
            for (double q : QUANTILES) {
                select.add(quantileSql(q));
            }
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(" FROM ")
                .append(rawRollup != null ? RawRollups.TABLE : part.level().table).append(" WHERE zone = ? AND ts >= ? AND ts < ?");
        if (rawRollup != null) {
            sql.append(" AND grouping_set = ").append(rawRollup.id());
        }
        if (measures == WEBSOCKET) {
            sql.append(" AND websocket");
        }
        List<Object> values = new ArrayList<>();
        for (Condition f : query.filters()) {
            sql.append(" AND ");
            where(f, sql, values);
        }
        if (!keys.isEmpty()) {
            sql.append(" GROUP BY ").append(java.util.stream.IntStream.rangeClosed(1, keys.size()).mapToObj(Integer::toString)
                    .collect(Collectors.joining(", ")));
        }
        if (limitInSql && !keys.isEmpty()) {
            sql.append(" ORDER BY ").append(String.join(", ", orderSql(query, measures))).append(" LIMIT ").append(query.limit());
        }
        try (PreparedStatement q = c.prepareStatement(sql.toString())) {
            int p = 1;
            q.setString(p++, query.zone());
            q.setObject(p++, StoredRecord.utc(part.from()));
            q.setObject(p++, StoredRecord.utc(part.to()));
            for (Object v : values) {
                q.setObject(p++, v);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    int col = 1;
                    Instant time = query.bucket() == null ? null : StoredRecord.instant(rs.getObject(col++, LocalDateTime.class));
                    List<Object> dims = new ArrayList<>(query.groupBy().size());
                    for (Dimension d : query.groupBy()) {
                        dims.add(value(d, rs.getObject(col++)));
                    }
                    List<Object> key = new ArrayList<>(dims.size() + 1);
                    key.add(time);
                    key.addAll(dims);
                    Group g = groups.computeIfAbsent(key, k -> new Group(time, dims, measures.size()));
                    for (int i = 0; i < measures.size(); i++) {
                        g.sums[i] += rs.getLong(col++);
                    }
                    if (quantiles) {
                        g.quantiles = new Double[QUANTILES.length];
                        for (int i = 0; i < QUANTILES.length; i++) {
                            Object v = rs.getObject(col++);
                            g.quantiles[i] = v == null ? null : ((Number) v).doubleValue();
                        }
                    }
                }
            }
        }
    }

    /** Appends a condition as SQL, its values as parameters ({@code ?}), in the order they are bound. */
    private static void where(Condition condition, StringBuilder sql, List<Object> values) {
        switch (condition) {
            case Filter f -> {
                sql.append(f.dimension().column()).append(' ').append(f.operator().sql).append(' ');
                sql.append(f.operator() == Filter.Operator.IN
                        ? f.values().stream().map(v -> "?").collect(Collectors.joining(", ", "(", ")")) : "?");
                values.addAll(f.values());
            }
            case Condition.All all -> join(all.conditions(), " AND ", sql, values);
            case Condition.Any any -> join(any.conditions(), " OR ", sql, values);
        }
    }

    private static void join(List<Condition> conditions, String operator, StringBuilder sql, List<Object> values) {
        sql.append('(');
        for (int i = 0; i < conditions.size(); i++) {
            if (i > 0) {
                sql.append(operator);
            }
            where(conditions.get(i), sql, values);
        }
        sql.append(')');
    }

    /** The ORDER BY terms {@link #order} sorts by: the query's order first, then the time bucket and the dimensions. */
    private static List<String> orderSql(AnalyticsQuery query, List<Measure> measures) {
        List<String> terms = new ArrayList<>();
        int keys = (query.bucket() != null ? 1 : 0) + query.groupBy().size();
        for (AnalyticsQuery.Order o : query.order()) {
            String direction = o.descending() ? " DESC" : "";
            if (o.measure() != null) {
                terms.add("m" + measures.indexOf(o.measure()) + direction);
            } else if (o.dimension() != null) {
                terms.add((query.groupBy().indexOf(o.dimension()) + (query.bucket() != null ? 2 : 1)) + direction);
            } else if (query.bucket() != null) {
                terms.add("1" + direction);
            }
        }
        for (int i = 1; i <= keys; i++) {
            terms.add(Integer.toString(i));
        }
        return terms;
    }

    private static String sql(Measure m, boolean raw) {
        return switch (m) {
            case REQUESTS, CONNECTIONS -> raw ? "count(*)" : "sum(requests)";
            case EDGE_RESPONSE_BYTES, BYTES_TO_CLIENT -> "sum(edge_bytes)";
            case VISITS -> "sum(visits)";
            case THREATS -> "sum(threats)";
            case WEBSOCKET_UPGRADES -> raw ? "sum(CASE WHEN websocket THEN 1 ELSE 0 END)" : "sum(CASE WHEN websocket THEN requests ELSE 0 END)";
            case DURATION_MS -> "sum(duration_ms)";
            case CLIENT_MESSAGES -> "sum(client_messages)";
            case ORIGIN_MESSAGES -> "sum(origin_messages)";
            case BYTES_FROM_CLIENT -> "sum(client_bytes)";
        };
    }

    private static Object value(Dimension d, Object v) {
        if (v == null) {
            return null;
        }
        return switch (d.type()) {
            case STRING -> v.toString();
            case INT -> ((Number) v).intValue();
            case BOOLEAN -> (Boolean) v;
        };
    }

    private static Comparator<Group> order(AnalyticsQuery query, List<Measure> measures) {
        Comparator<Group> byTime = Comparator.comparing((Group g) -> g.time, Comparator.nullsFirst(Comparator.naturalOrder()));
        Comparator<Group> byKeys = (a, b) -> {
            for (int i = 0; i < a.keys.size(); i++) {
                int d = compareValues(a.keys.get(i), b.keys.get(i));
                if (d != 0) {
                    return d;
                }
            }
            return 0;
        };
        Comparator<Group> order = (a, b) -> 0;
        for (AnalyticsQuery.Order o : query.order()) {
            Comparator<Group> term;
            if (o.measure() != null) {
                int i = measures.indexOf(o.measure());
                term = Comparator.comparingLong(g -> g.sums[i]);
            } else if (o.dimension() != null) {
                int i = query.groupBy().indexOf(o.dimension());
                term = (a, b) -> compareValues(a.keys.get(i), b.keys.get(i));
            } else {
                term = byTime;
            }
            order = order.thenComparing(o.descending() ? term.reversed() : term);
        }
        return order.thenComparing(byTime).thenComparing(byKeys);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b) {
        if (a == null || b == null) {
            return a == b ? 0 : a == null ? 1 : -1; // nulls last
        }
        return ((Comparable) a).compareTo(b);
    }

    @Override
    public void applyRetention(Instant now) {
        try (Connection c = connection()) {
            for (String zone : zones(c)) {
                Retention r = retention.of(zone);
                Watermarks marks = Watermarks.read(c, zone);
                rollUp(c, zone, Level.RAW, marks.before(Level.RAW), midnight(now, r.raw()));
                rollUp(c, zone, Level.MINUTE, marks.before(Level.MINUTE), midnight(now, r.minute()));
                rollUp(c, zone, Level.HOUR, marks.before(Level.HOUR), midnight(now, r.hour()));
                if (r.day() != null) {
                    delete(c, zone, Level.DAY, midnight(now, r.day()));
                }
            }
        } catch (SQLException e) {
            throw new AnalyticsStoreException("analytics store " + describe() + ": retention failed (" + e.getMessage() + ")", e);
        }
        afterRetention();
    }

    /** Called after each retention run: a store may drop what became empty. */
    void afterRetention() {
    }

    /** Takes the lock that keeps inserts from racing a roll-up of the same zone; held until the transaction ends. */
    void lockForRetention(Connection c) throws SQLException {
    }

    private static Instant midnight(Instant now, Duration age) {
        return now.minus(age).truncatedTo(ChronoUnit.DAYS);
    }

    private List<String> zones(Connection c) throws SQLException {
        List<String> zones = new ArrayList<>();
        String sql = java.util.Arrays.stream(Level.values()).map(l -> "SELECT DISTINCT zone FROM " + l.table)
                .collect(Collectors.joining(" UNION "));
        try (PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                zones.add(rs.getString(1));
            }
        }
        return zones;
    }

    /** Moves a zone's data of {@code level} from {@code since} to {@code cutoff} into the next level, in one transaction. */
    private void rollUp(Connection c, String zone, Level level, Instant since, Instant cutoff) throws SQLException {
        if (!cutoff.isAfter(since)) {
            return;
        }
        Level next = level.next();
        boolean raw = level == Level.RAW;
        String sums = (raw ? "count(*)" : "sum(requests)")
                + ", sum(edge_bytes), sum(client_bytes), sum(visits), sum(threats), sum(duration_ms), sum(client_messages), sum(origin_messages)";
        c.setAutoCommit(false);
        try {
            lockForRetention(c);
            try (PreparedStatement q = c.prepareStatement("INSERT INTO " + next.table + " (" + ROLLUP_COLUMNS + ") SELECT zone, "
                    + "CAST(date_trunc('" + next.granularity.sqlUnit() + "', ts) AS TIMESTAMP), " + ROLLUP_KEYS + ", " + sums
                    + " FROM " + level.table + " WHERE zone = ? AND ts < ? GROUP BY zone, 2, " + ROLLUP_KEYS)) {
                q.setString(1, zone);
                q.setObject(2, StoredRecord.utc(cutoff));
                q.executeUpdate();
            }
            try (PreparedStatement q = c.prepareStatement("INSERT INTO " + next.clientIpTable + " (zone, ts, client_ip) SELECT DISTINCT zone, "
                    + "CAST(date_trunc('" + next.granularity.sqlUnit() + "', ts) AS TIMESTAMP), client_ip FROM " + level.clientIpTable
                    + " WHERE zone = ? AND ts < ? AND client_ip IS NOT NULL")) {
                q.setString(1, zone);
                q.setObject(2, StoredRecord.utc(cutoff));
                q.executeUpdate();
            }
            delete(c, zone, level, cutoff);
            if (raw && keepsRawRollups()) {
                RawRollups.delete(c, zone, cutoff);
            }
            Watermarks.write(c, zone, level, cutoff);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void delete(Connection c, String zone, Level level, Instant cutoff) throws SQLException {
        for (String table : level == Level.RAW ? List.of(level.table) : List.of(level.table, level.clientIpTable)) {
            try (PreparedStatement q = c.prepareStatement("DELETE FROM " + table + " WHERE zone = ? AND ts < ?")) {
                q.setString(1, zone);
                q.setObject(2, StoredRecord.utc(cutoff));
                q.executeUpdate();
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
