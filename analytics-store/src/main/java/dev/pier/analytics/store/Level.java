package dev.pier.analytics.store;

/** Where a zone's data lives as it ages: raw records, then rollups by minute, hour and day. */
enum Level {
    RAW("requests", null),
    MINUTE("rollup_minute", TimeBucket.MINUTE),
    HOUR("rollup_hour", TimeBucket.HOUR),
    DAY("rollup_day", TimeBucket.DAY);

    final String table;
    /** The bucket a rollup's rows start on; null for raw records. */
    final TimeBucket granularity;

    Level(String table, TimeBucket granularity) {
        this.table = table;
        this.granularity = granularity;
    }

    /** The next, coarser level. */
    Level next() {
        return values()[ordinal() + 1];
    }
}
