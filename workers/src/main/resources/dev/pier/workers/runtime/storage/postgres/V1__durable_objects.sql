-- Durable Object storage on PostgreSQL. Keys are UTF-8 bytes: bytea compares byte by byte,
-- which is Cloudflare's order, whatever the database's collation.
CREATE TABLE _pier_do_kv (
    namespace text NOT NULL,
    object_id text NOT NULL,
    key bytea NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (namespace, object_id, key)
);

CREATE TABLE _pier_do_alarms (
    namespace text NOT NULL,
    object_id text NOT NULL,
    at bigint NOT NULL,
    PRIMARY KEY (namespace, object_id)
);
CREATE INDEX _pier_do_alarms_at ON _pier_do_alarms (at);

-- the schema that holds an object's SQL database, made on its first statement
CREATE TABLE _pier_do_sql_schemas (
    namespace text NOT NULL,
    object_id text NOT NULL,
    schema_name text NOT NULL UNIQUE,
    PRIMARY KEY (namespace, object_id)
);
