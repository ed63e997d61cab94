-- A zone's edge certificates (Cloudflare's custom certificates): the chain, leaf first, and its
-- private key, both PEM. The key never leaves the store but for the edge: no API answer, export
-- or audit entry holds it.
CREATE TABLE zone_certificates (
    id          VARCHAR(32) PRIMARY KEY,
    zone_id     VARCHAR(32) NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    certificate VARCHAR     NOT NULL,
    private_key VARCHAR     NOT NULL,
    uploaded_on TIMESTAMP WITH TIME ZONE NOT NULL,
    modified_on TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX zone_certificates_zone ON zone_certificates (zone_id);
