package dev.pier.control.store;

import dev.pier.config.Certificates;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A zone's edge certificate: the PEM chain (leaf first) and its PEM private key. The key is for
 * the edge alone: {@link #toString()} and {@link #audited()} leave it out.
 */
public record StoredCertificate(String id, String zoneId, String certificatePem, String privateKeyPem, Instant uploadedOn,
                                Instant modifiedOn) {

    /** What the audit log keeps of it: which certificate it is (its leaf's SHA-256), for which names, until when. */
    public Map<String, Object> audited() {
        X509Certificate leaf = Certificates.parse(certificatePem).get(0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("zone_id", zoneId);
        try {
            out.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("certificate " + id + ": cannot be fingerprinted", e);
        }
        out.put("hosts", List.copyOf(Certificates.hostNames(leaf)));
        out.put("expires_on", leaf.getNotAfter().toInstant().toString());
        out.put("uploaded_on", uploadedOn.toString());
        out.put("modified_on", modifiedOn.toString());
        return out;
    }

    @Override
    public String toString() {
        return "StoredCertificate[id=" + id + ", zoneId=" + zoneId + ", uploadedOn=" + uploadedOn + "]";
    }
}
