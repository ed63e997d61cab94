-- Rollups of the raw records kept up to date by every insert, in the insert's transaction
-- (see RawRollups): the zone's totals per minute, hour and day, its totals per hour by host, by
-- status, by security action and by WebSocket, and per day by path. grouping_set says which of
-- these a row belongs to (SQL's GROUPING() over host, path, status, security_action, websocket,
-- minute, hour, day: a bit is set for each column the set leaves out, and a dimension column it
-- leaves out holds '', 0 or false). They cover exactly the raw level's range: retention deletes a
-- zone's rows when it rolls its raw records up.
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
SELECT zone, GROUPING(host, path, status, security_action, websocket, minute, hour, day), coalesce(minute, hour, day),
       coalesce(host, ''), coalesce(path, ''), coalesce(status, 0), coalesce(security_action, ''), coalesce(websocket, false),
       count(*), sum(upgrade), sum(edge_bytes), sum(visits), sum(threats)
FROM (SELECT zone, date_trunc('minute', ts) AS minute, date_trunc('hour', ts) AS hour, date_trunc('day', ts) AS day, host, path,
             status, security_action, websocket, CASE WHEN websocket THEN 1 ELSE 0 END AS upgrade, edge_bytes, visits, threats
      FROM requests) r
GROUP BY zone, GROUPING SETS ((day), (day, path), (hour), (hour, host), (hour, status), (hour, security_action), (hour, websocket), (minute));

-- WebSocket queries read raw records (their duration percentiles need them), an eighth of all: this
-- index holds what they add up, so that they read it alone where the day's partition is vacuumed
CREATE INDEX requests_websockets ON requests (zone, ts)
    INCLUDE (duration_ms, client_messages, origin_messages, client_bytes, edge_bytes, close_code, close_source, close_reason)
    WHERE websocket;
