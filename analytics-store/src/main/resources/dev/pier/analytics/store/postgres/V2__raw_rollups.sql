-- Rollups of the raw records kept up to date by every insert, in the insert's transaction
-- (see RawRollups): per minute, the zone's totals and its totals by host, by status, by security
-- action and by WebSocket; per day, its totals by path. grouping_set says which of these a row
-- belongs to (SQL's GROUPING() over host, path, status, security_action, websocket: a bit is set
-- for each column the set leaves out, and that column holds '', 0 or false). They cover exactly
-- the raw level's range: retention deletes a zone's rows when it rolls its raw records up.
CREATE TABLE raw_rollups (
    zone text NOT NULL,
    grouping_set smallint NOT NULL,
    ts timestamp NOT NULL,
    host text NOT NULL,
    path text NOT NULL,
    status integer NOT NULL,
    security_action text NOT NULL,
    websocket boolean NOT NULL,
    requests bigint NOT NULL,
    upgrades bigint NOT NULL,
    edge_bytes bigint NOT NULL,
    visits bigint NOT NULL,
    threats bigint NOT NULL,
    PRIMARY KEY (zone, grouping_set, ts, host, path, status, security_action, websocket)
);

INSERT INTO raw_rollups
SELECT zone, GROUPING(host, path, status, security_action, websocket), coalesce(minute, day), coalesce(host, ''), coalesce(path, ''),
       coalesce(status, 0), coalesce(security_action, ''), coalesce(websocket, false),
       count(*), sum(upgrade), sum(edge_bytes), sum(visits), sum(threats)
FROM (SELECT zone, date_trunc('minute', ts) AS minute, date_trunc('day', ts) AS day, host, path, status, security_action, websocket,
             CASE WHEN websocket THEN 1 ELSE 0 END AS upgrade, edge_bytes, visits, threats FROM requests) r
GROUP BY zone, GROUPING SETS ((minute), (minute, host), (minute, status), (minute, security_action), (minute, websocket), (day, path));

-- WebSocket queries read raw records (their duration percentiles need them): these are about an eighth of all
CREATE INDEX requests_zone_ts_websocket ON requests (zone, ts) WHERE websocket;
