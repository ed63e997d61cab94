-- Account lists (Cloudflare's Lists): IP lists that rule expressions use as $name.
CREATE TABLE rules_lists (
    id          VARCHAR(32) PRIMARY KEY,
    name        VARCHAR(50) NOT NULL UNIQUE,
    kind        VARCHAR(16) NOT NULL,
    description VARCHAR(500) NOT NULL,
    created_on  TIMESTAMP WITH TIME ZONE NOT NULL,
    modified_on TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE rules_list_items (
    id          VARCHAR(32)  PRIMARY KEY,
    list_id     VARCHAR(32)  NOT NULL REFERENCES rules_lists (id) ON DELETE CASCADE,
    item        VARCHAR(64)  NOT NULL,
    item_comment VARCHAR(500) NOT NULL,
    created_on  TIMESTAMP WITH TIME ZONE NOT NULL,
    modified_on TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX rules_list_items_list ON rules_list_items (list_id);
