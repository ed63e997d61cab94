package dev.pier.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PostgresAnalyticsStoreTest extends AnalyticsStoreContract {

    private final String schema = TestPostgres.newSchema();

    @Override
    AnalyticsStore openEmpty() {
        return TestPostgres.open(schema, RETENTION);
    }

    @AfterEach
    void dropSchema() throws Exception {
        store.close();
        TestPostgres.drop(schema);
    }

    @Test
    void retentionDropsEmptiedDayPartitionsAndALateRecordMakesItsDayAgain() throws Exception {
        store.insert(records);
        assertThat(partitions()).hasSize(30);
        store.applyRetention(START.plus(Duration.ofDays(31)));
        assertThat(partitions()).as("the days raw retention still keeps").hasSize(6)
                .allMatch(name -> name.compareTo("requests_20261125") >= 0);
        // a zone that had no record yet (so nothing rolled up) sends one of a day whose partition is gone
        List<RequestLog> late = new ArrayList<>();
        new SyntheticRecords(99, 5, START, Duration.ofHours(1), 200).forEachRemaining(r -> {
            if (r.zoneName().equals(SyntheticRecords.zone(4))) {
                late.add(r);
            }
        });
        assertThat(store.insert(late)).isEqualTo(late.size()).isPositive();
        assertThat(partitions()).contains("requests_20261101");
    }

    @Test
    void retentionVacuumsThePartitionsOfPastDaysSoWebSocketQueriesReadTheirIndexAlone() throws Exception {
        store.insert(records);
        assertThat(allVisiblePages("requests_20261110")).isZero();
        store.applyRetention(START.plus(Duration.ofDays(31)));
        assertThat(allVisiblePages("requests_20261125")).isPositive();
        try (Connection c = DriverManager.getConnection(TestPostgres.URL); Statement settings = c.createStatement()) {
            settings.execute("SET enable_seqscan = off; SET enable_bitmapscan = off"); // a test's few rows would be read whole
            PreparedStatement q = c.prepareStatement("EXPLAIN SELECT count(*), sum(duration_ms), sum(client_messages), sum(origin_messages), "
                    + "sum(client_bytes), sum(edge_bytes) FROM " + schema + ".requests_20261125 WHERE zone = 'zone0.example' "
                    + "AND ts >= '2026-11-25' AND websocket GROUP BY close_code, close_source, close_reason");
            ResultSet rs = q.executeQuery();
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            assertThat(plan.toString()).contains("Index Only Scan");
        }
    }

    /** Pages PostgreSQL's visibility map has as all-visible ({@code pg_class.relallvisible}, which VACUUM sets). */
    private long allVisiblePages(String partition) throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.URL);
             PreparedStatement q = c.prepareStatement("SELECT relallvisible FROM pg_class JOIN pg_namespace n ON n.oid = relnamespace "
                     + "WHERE nspname = ? AND relname = ?")) {
            q.setString(1, schema);
            q.setString(2, partition);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).as(partition).isTrue();
                return rs.getLong(1);
            }
        }
    }

    private List<String> partitions() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(TestPostgres.URL);
             PreparedStatement q = c.prepareStatement("SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = inhrelid "
                     + "JOIN pg_namespace n ON n.oid = child.relnamespace WHERE n.nspname = ? AND child.relkind = 'r' ORDER BY 1")) {
            q.setString(1, schema);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
