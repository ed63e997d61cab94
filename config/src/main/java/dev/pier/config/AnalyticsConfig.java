package dev.pier.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where this node's request log records are kept for analytics (docs/ANALYTICS.md), besides the
 * NDJSON request log, and for how long.
 *
 * @param file      an embedded DuckDB file, or null when {@code jdbcUrl} is set or analytics are off
 * @param jdbcUrl   a PostgreSQL JDBC address shared by several nodes, or null
 * @param spool     where records wait on disk while the store is away
 * @param retention how long each level of a zone's data is kept, for every zone but those of {@code perZone}
 * @param perZone   other retentions, by zone name
 */
public record AnalyticsConfig(Path file, String jdbcUrl, Path spool, Retention retention, Map<String, Retention> perZone) {

    /**
     * Raw records for {@code raw}, then rolled up into minutes kept for {@code minute}, hours kept
     * for {@code hour}, and days kept for {@code day} (null: for ever).
     */
    public record Retention(Duration raw, Duration minute, Duration hour, Duration day) {

        /** Raw records a week, minutes a month, hours a year, days for ever. */
        public static final Retention DEFAULT = new Retention(Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(365), null);

        public Retention {
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(minute, "minute");
            Objects.requireNonNull(hour, "hour");
        }
    }

    /** Analytics off: records go to the request log only. */
    public static final AnalyticsConfig OFF = new AnalyticsConfig(null, null, null, Retention.DEFAULT, Map.of());

    public AnalyticsConfig {
        if (file != null && jdbcUrl != null) {
            throw new IllegalArgumentException("expected at most one of a DuckDB file and a JDBC address");
        }
        Objects.requireNonNull(retention, "retention");
        perZone = Map.copyOf(perZone);
    }

    /** Whether records are kept in a store at all. */
    public boolean enabled() {
        return file != null || jdbcUrl != null;
    }

    /** The store's location as the analytics store opens it: the DuckDB file's path or the JDBC address. */
    public String location() {
        return jdbcUrl != null ? jdbcUrl : file == null ? null : file.toString();
    }

    /** The embedded store next to the configuration file ({@code analytics.duckdb}), its spool beside it. */
    public static AnalyticsConfig embeddedIn(Path base) {
        return new AnalyticsConfig(base.resolve("analytics.duckdb"), null, base.resolve("analytics-spool"), Retention.DEFAULT, Map.of());
    }
}
