-- The account's Workers scripts (Cloudflare's /accounts/{account_id}/workers/scripts): a module
-- Worker's settings and its modules. settings is the JSON the edge runs the script with
-- (compatibility date and flags, bindings, secret texts included); migration_tag and
-- durable_object_classes are where its Durable Object migrations have brought it.
CREATE TABLE workers_scripts (
    name                   VARCHAR(63)  PRIMARY KEY,
    etag                   VARCHAR(64)  NOT NULL,
    main_module            VARCHAR(256) NOT NULL,
    settings               VARCHAR      NOT NULL,
    migration_tag          VARCHAR(100),
    durable_object_classes VARCHAR      NOT NULL,
    created_on             TIMESTAMP WITH TIME ZONE NOT NULL,
    modified_on            TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A script's modules, as uploaded: the part's name (a relative path), its content type and its
-- bytes, base64 (one text type serves H2 and PostgreSQL alike).
CREATE TABLE workers_script_modules (
    script       VARCHAR(63)  NOT NULL REFERENCES workers_scripts (name) ON DELETE CASCADE,
    name         VARCHAR(256) NOT NULL,
    content_type VARCHAR(100) NOT NULL,
    content      VARCHAR      NOT NULL,
    PRIMARY KEY (script, name)
);

-- An administrator is a token with every permission: those issued before Workers Scripts Read and
-- Write existed keep being administrators.
UPDATE api_tokens SET permissions = 'Account Filter Lists Read,Account Filter Lists Write,Analytics Read,DNS Write,Logs Read,'
        || 'Logs Write,SSL and Certificates Read,SSL and Certificates Write,Workers Routes Read,Workers Routes Write,'
        || 'Workers Scripts Read,Workers Scripts Write,Zone Read,Zone Settings Read,Zone Settings Write,Zone WAF Write,Zone Write'
    WHERE permissions = 'Account Filter Lists Read,Account Filter Lists Write,Analytics Read,DNS Write,Logs Read,'
        || 'Logs Write,SSL and Certificates Read,SSL and Certificates Write,Workers Routes Read,Workers Routes Write,Zone Read,'
        || 'Zone Settings Read,Zone Settings Write,Zone WAF Write,Zone Write';
