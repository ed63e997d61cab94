package dev.pier.analytics.store;

/** Where a zone's data lives as it ages: raw records, then rollups by minute, hour and day. */
enum Level {
    RAW("requests", "requests", null),
    MINUTE("rollup_minute", "client_ips_minute", TimeBucket.MINUTE),
    HOUR("rollup_hour", "client_ips_hour", TimeBucket.HOUR),
    DAY("rollup_day", "client_ips_day", TimeBucket.DAY);

    final String table;
    /**
     * Where the level keeps its clients' addresses ({@code zone, ts, client_ip}): the raw records
     * themselves, and for a rollup each address once per bucket, so that distinct clients can be
     * counted over any range the level holds.
     */
    final String clientIpTable;
    /** The bucket a rollup's rows start on; null for raw records. */
    final TimeBucket granularity;

    Level(String table, String clientIpTable, TimeBucket granularity) {
        this.table = table;
        this.clientIpTable = clientIpTable;
        this.granularity = granularity;
    }

    /** The next, coarser level. */
    Level next() {
        return values()[ordinal() + 1];
    }
}
