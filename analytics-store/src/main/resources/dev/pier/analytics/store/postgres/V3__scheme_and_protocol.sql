-- The client's scheme (ClientRequestScheme: http or https) and HTTP version (ClientRequestProtocol),
-- kept in raw records and, as dimensions, in every rollup: Cloudflare's encryptedRequests,
-- encryptedBytes and clientHTTPVersionMap. Rows stored before have neither (NULL).
ALTER TABLE requests ADD COLUMN scheme text, ADD COLUMN http_protocol text;
ALTER TABLE rollup_minute ADD COLUMN scheme text, ADD COLUMN http_protocol text;
ALTER TABLE rollup_hour ADD COLUMN scheme text, ADD COLUMN http_protocol text;
ALTER TABLE rollup_day ADD COLUMN scheme text, ADD COLUMN http_protocol text;
