package dev.pier.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbAnalyticsStoreTest extends AnalyticsStoreContract {

    @TempDir
    Path data;

    @Override
    AnalyticsStore openEmpty() {
        return AnalyticsStore.open("analytics.duckdb", data, RETENTION);
    }

    @Test
    void aFileMadeBeforeTheSchemeAndHttpVersionGetsTheirColumnsAndKeepsItsRecords(@TempDir Path old) throws Exception {
        Path file = old.resolve("analytics.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE requests (ray_id VARCHAR NOT NULL, zone VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                    + "host VARCHAR NOT NULL, path VARCHAR NOT NULL, status INTEGER NOT NULL, client_ip VARCHAR, "
                    + "security_action VARCHAR NOT NULL, websocket BOOLEAN NOT NULL, close_code INTEGER, close_source VARCHAR, "
                    + "close_reason VARCHAR, edge_bytes BIGINT NOT NULL, client_bytes BIGINT NOT NULL, duration_ms BIGINT NOT NULL, "
                    + "client_messages BIGINT NOT NULL, origin_messages BIGINT NOT NULL, visits INTEGER NOT NULL, threats INTEGER NOT NULL)");
            s.execute("INSERT INTO requests VALUES ('old', '" + ZONE + "', TIMESTAMP '2026-11-01 00:00:30', '" + ZONE + "', '/', 200, "
                    + "'192.0.2.1', '', false, NULL, NULL, NULL, 100, 10, 0, 0, 0, 1, 0)");
        }
        RequestLog fresh = records.stream().filter(r -> r.zoneName().equals(ZONE) && "https".equals(r.clientRequestScheme())).findFirst()
                .orElseThrow();
        try (AnalyticsStore upgraded = AnalyticsStore.open(file.toString(), old, RETENTION)) {
            assertThat(upgraded.insert(List.of(fresh))).isEqualTo(1);
            List<TrafficRow> rows = upgraded.traffic(AnalyticsQuery.builder(ZONE, START, START.plus(java.time.Duration.ofDays(30)))
                    .groupBy(Dimension.SCHEME).build());
            Map<Object, Long> bySchemes = new java.util.HashMap<>();
            rows.forEach(r -> bySchemes.put(r.dimensions().get(Dimension.SCHEME), r.requests()));
            Map<Object, Long> expected = new java.util.HashMap<>();
            expected.put("https", 1L);
            expected.put(null, 1L); // the record stored before the scheme was kept
            assertThat(bySchemes).isEqualTo(expected);
            assertThat(rows.stream().collect(Collectors.summingLong(TrafficRow::edgeResponseBytes)))
                    .isEqualTo(100 + fresh.edgeResponseBytes());
        }
    }
}
