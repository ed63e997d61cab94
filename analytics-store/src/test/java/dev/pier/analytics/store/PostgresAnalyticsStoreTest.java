package dev.pier.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
