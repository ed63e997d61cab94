package dev.pier.analytics.store;

import java.time.Duration;

/** The width of a time bucket a query groups by; also the granularity of each rollup level. */
public enum TimeBucket {
    MINUTE("minute", Duration.ofMinutes(1)),
    HOUR("hour", Duration.ofHours(1)),
    DAY("day", Duration.ofDays(1));

    private final String sqlUnit;
    private final Duration width;

    TimeBucket(String sqlUnit, Duration width) {
        this.sqlUnit = sqlUnit;
        this.width = width;
    }

    /** The unit {@code date_trunc} takes (the same word in DuckDB and PostgreSQL). */
    String sqlUnit() {
        return sqlUnit;
    }

    public Duration width() {
        return width;
    }
}
