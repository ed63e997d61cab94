-- Which node runs each Durable Object, for the nodes that share this storage: a node runs an
-- object only while it holds the object's lease, renews the leases of the objects it has in
-- memory, and deletes a lease when the object leaves its memory. Another node takes over a lease
-- that has expired. Each claim gets a new token from the sequence; a commit of the object checks
-- in its own transaction that its token still holds the lease, so a node that lost it writes nothing.
CREATE SEQUENCE _pier_do_lease_tokens;

CREATE TABLE _pier_do_leases (
    namespace text NOT NULL,
    object_id text NOT NULL,
    owner text NOT NULL,              -- the node that holds it (an id per process)
    address text,                     -- where the other nodes send its requests; null when they cannot
    token bigint NOT NULL UNIQUE,     -- new at each claim, from _pier_do_lease_tokens
    expires_at timestamptz NOT NULL,  -- by the database's clock, so that the nodes' clocks do not matter
    PRIMARY KEY (namespace, object_id)
);
CREATE INDEX _pier_do_leases_owner ON _pier_do_leases (owner);
