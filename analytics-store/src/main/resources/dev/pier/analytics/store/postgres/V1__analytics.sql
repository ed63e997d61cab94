-- Request log records on PostgreSQL: raw records partitioned by day (partitions made as records
-- arrive, see PostgresAnalyticsStore), rollups by minute, hour and day with the same dimension
-- columns, and how far each zone's levels have been rolled up. Timestamps are UTC, without a zone.
CREATE TABLE requests (
    ray_id text NOT NULL,
    zone text NOT NULL,
    ts timestamp NOT NULL,
    host text NOT NULL,
    path text NOT NULL,
    status integer NOT NULL,
    client_ip text,
    security_action text NOT NULL,
    websocket boolean NOT NULL,
    close_code integer,
    close_source text,
    close_reason text,
    edge_bytes bigint NOT NULL,
    client_bytes bigint NOT NULL,
    duration_ms bigint NOT NULL,
    client_messages bigint NOT NULL,
    origin_messages bigint NOT NULL,
    visits integer NOT NULL,
    threats integer NOT NULL,
    -- a partitioned table's key includes the partition column; a record sent again has the same ts
    PRIMARY KEY (ray_id, ts)
) PARTITION BY RANGE (ts);
CREATE INDEX requests_zone_ts ON requests (zone, ts);

CREATE TABLE rollup_minute (
    zone text NOT NULL,
    ts timestamp NOT NULL,
    host text NOT NULL,
    path text NOT NULL,
    status integer NOT NULL,
    security_action text NOT NULL,
    websocket boolean NOT NULL,
    close_code integer,
    close_source text,
    close_reason text,
    requests bigint NOT NULL,
    edge_bytes bigint NOT NULL,
    client_bytes bigint NOT NULL,
    visits bigint NOT NULL,
    threats bigint NOT NULL,
    duration_ms bigint NOT NULL,
    client_messages bigint NOT NULL,
    origin_messages bigint NOT NULL
);
CREATE INDEX rollup_minute_zone_ts ON rollup_minute (zone, ts);
CREATE TABLE rollup_hour (LIKE rollup_minute);
CREATE INDEX rollup_hour_zone_ts ON rollup_hour (zone, ts);
CREATE TABLE rollup_day (LIKE rollup_minute);
CREATE INDEX rollup_day_zone_ts ON rollup_day (zone, ts);

CREATE TABLE watermarks (
    zone text NOT NULL,
    level text NOT NULL,
    before_ts timestamp NOT NULL,
    PRIMARY KEY (zone, level)
);
