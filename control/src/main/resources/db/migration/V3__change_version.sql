-- The change feed: one counter, bumped by every write in its own transaction. Its row lock
-- orders the writers, so a node that has seen version N has seen every change committed up to
-- N (an audit sequence, drawn at insert time, can commit out of order).
CREATE TABLE change_version (
    id      INTEGER PRIMARY KEY,
    version BIGINT  NOT NULL
);
INSERT INTO change_version (id, version) SELECT 1, COALESCE(MAX(seq), 0) FROM audit_log;
