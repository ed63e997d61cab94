-- The WebSockets open now on each node, as each node last published them (every few seconds):
-- state of the moment, not history, so the table is unlogged (a crash of PostgreSQL empties it,
-- and the nodes fill it again within one round). Rows of a node that stopped publishing are past
-- their expiry and ignored, then deleted by the next node that publishes.
CREATE UNLOGGED TABLE live_websockets (
    node text NOT NULL,
    zone text NOT NULL,
    ray_id text NOT NULL,
    client_ip text,
    host text,
    path text,
    started_at timestamptz NOT NULL,
    client_messages bigint NOT NULL,
    origin_messages bigint NOT NULL,
    client_request_bytes bigint NOT NULL,
    edge_response_bytes bigint NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (node, ray_id)
);
CREATE INDEX live_websockets_zone ON live_websockets (zone, published_at);
