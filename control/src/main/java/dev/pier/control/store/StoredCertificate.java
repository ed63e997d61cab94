package dev.pier.control.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A zone's edge certificate: the PEM chain (leaf first) and its PEM private key. The key is for
 * the edge alone: {@link #toString()} and {@link #audited()} leave it out.
 */
public record StoredCertificate(String id, String zoneId, String certificatePem, String privateKeyPem, Instant uploadedOn) {

    /** What the audit log keeps of it: everything but the key. */
    public Map<String, Object> audited() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("zone_id", zoneId);
        out.put("certificate", certificatePem);
        out.put("uploaded_on", uploadedOn.toString());
        return out;
    }

    @Override
    public String toString() {
        return "StoredCertificate[id=" + id + ", zoneId=" + zoneId + ", uploadedOn=" + uploadedOn + "]";
    }
}
