-- A zone's routes to Workers (Cloudflare's Workers Routes): a pattern of host and path, such as
-- chat.example.com/*, and the script it runs. A pattern is a zone's once.
CREATE TABLE workers_routes (
    id          VARCHAR(32)  PRIMARY KEY,
    zone_id     VARCHAR(32)  NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    pattern     VARCHAR(500) NOT NULL,
    script      VARCHAR(63)  NOT NULL,
    created_on  TIMESTAMP WITH TIME ZONE NOT NULL,
    modified_on TIMESTAMP WITH TIME ZONE NOT NULL,
    UNIQUE (zone_id, pattern)
);

-- An administrator is a token with every permission. Tokens issued with every permission before
-- Workers Routes Read and Write existed keep being administrators: they get those two as well.
UPDATE api_tokens SET permissions = 'Account Filter Lists Read,Account Filter Lists Write,Analytics Read,DNS Write,'
        || 'SSL and Certificates Read,SSL and Certificates Write,Workers Routes Read,Workers Routes Write,Zone Read,'
        || 'Zone Settings Read,Zone Settings Write,Zone WAF Write,Zone Write'
    WHERE permissions = 'Account Filter Lists Read,Account Filter Lists Write,Analytics Read,DNS Write,'
        || 'SSL and Certificates Read,SSL and Certificates Write,Zone Read,Zone Settings Read,Zone Settings Write,'
        || 'Zone WAF Write,Zone Write';
