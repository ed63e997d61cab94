-- Each rollup level keeps its clients' addresses once per bucket, so that distinct clients
-- (Cloudflare's uniq.uniques) are counted exactly over ranges that reach the rollups.
CREATE TABLE client_ips_minute (
    zone text NOT NULL,
    ts timestamp NOT NULL,
    client_ip text NOT NULL
);
CREATE INDEX client_ips_minute_zone_ts ON client_ips_minute (zone, ts);
CREATE TABLE client_ips_hour (LIKE client_ips_minute);
CREATE INDEX client_ips_hour_zone_ts ON client_ips_hour (zone, ts);
CREATE TABLE client_ips_day (LIKE client_ips_minute);
CREATE INDEX client_ips_day_zone_ts ON client_ips_day (zone, ts);
