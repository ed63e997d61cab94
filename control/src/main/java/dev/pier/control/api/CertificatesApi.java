package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.CertificateProblem;
import dev.pier.config.Certificates;
import dev.pier.control.StoredZones;
import dev.pier.control.store.Page;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreException;
import dev.pier.control.store.StoreKeys;
import dev.pier.control.store.StoredCertificate;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * {@code /zones/{id}/custom_certificates}: a zone's edge certificates in the shape of
 * Cloudflare's custom certificates. An upload is checked whole ({@link Certificates#check})
 * and kept re-encoded, before anything is stored; the private key is never in an answer. Unlike Cloudflare, self-signed and private CA certificates
 * are accepted: a self-hosted edge serves internal names too.
 */
final class CertificatesApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Cloudflare's code for a request it cannot take as sent. */
    private static final int INVALID = 1004;


    private final Store store;

    CertificatesApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Custom certificates");
        String certificates = "/zones/{zone_id}/custom_certificates";
        String certificate = certificates + "/{custom_certificate_id}";
        routes.add("GET", certificates, Route.Access.ZONE, Permission.SSL_READ).doc("listCustomCertificates",
                "List the zone's edge certificates").query(QueryParameter.PAGE, QueryParameter.PER_PAGE)
                .to(c -> list(c.request(), c.zone()));
        routes.add("POST", certificates, Route.Access.ZONE, Permission.SSL_WRITE).doc("uploadCustomCertificate",
                "Upload an edge certificate with its private key; the key never comes back").body("CustomCertificate")
                .to(c -> create(c.request(), c.zone(), c.token()));
        routes.add("GET", certificate, Route.Access.ZONE, Permission.SSL_READ).doc("getCustomCertificate", "One edge certificate")
                .to(c -> get(c.zone(), c.param("custom_certificate_id")));
        routes.add("PATCH", certificate, Route.Access.ZONE, Permission.SSL_WRITE).doc("replaceCustomCertificate",
                "Replace an edge certificate's chain and key, keeping its id (checked as an upload is)").body("CustomCertificate")
                .to(c -> replace(c.request(), c.zone(), c.param("custom_certificate_id"), c.token()));
        routes.add("DELETE", certificate, Route.Access.ZONE, Permission.SSL_WRITE).doc("deleteCustomCertificate",
                "Delete an edge certificate").to(c -> delete(c.zone(), c.param("custom_certificate_id"), c.token()));
        return routes.list();
    }

    private ApiResponse list(ApiRequest r, StoredZone zone) {
        Page<StoredCertificate> page = Page.slice(store.certificates(zone.id()), QueryParameter.PAGE.read(r),
                QueryParameter.PER_PAGE.read(r));
        return Envelope.page(page, CertificatesApi::json);
    }

    private ApiResponse get(StoredZone zone, String id) {
        return Envelope.success(json(find(zone, id)));
    }

    private ApiResponse create(ApiRequest r, StoredZone zone, StoredToken token) {
        Certificates.EdgeCertificate checked = checked(r, zone);
        return Envelope.success(json(keyed(() -> store.createCertificate(zone.id(), checked.certificatePem(), checked.keyPem(),
                Credentials.actor(token)))));
    }

    /** PATCH: a new chain and key for the same certificate id (a renewal in place). */
    private ApiResponse replace(ApiRequest r, StoredZone zone, String id, StoredToken token) {
        find(zone, id);
        Certificates.EdgeCertificate checked = checked(r, zone);
        return Envelope.success(json(keyed(() -> store.replaceCertificate(zone.id(), id, checked.certificatePem(), checked.keyPem(),
                Credentials.actor(token)))));
    }

    /**
     * A write that stores a private key: on a node without a key to encrypt it at rest, a 503
     * that says so (the operator's to fix, not the caller's), and nothing written.
     */
    private static StoredCertificate keyed(java.util.function.Supplier<StoredCertificate> write) {
        try {
            return write.get();
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.NO_KEY) {
                throw new ApiException(503, new ApiError(1000, "Private keys cannot be stored on this node: it has no key to encrypt"
                        + " them at rest (" + StoreKeys.KEY_FILE_VARIABLE + " or " + StoreKeys.KEY_VARIABLE + " is to be set; see"
                        + " docs/OPERATIONS.md)"));
            }
            throw e;
        }
    }

    private Certificates.EdgeCertificate checked(ApiRequest r, StoredZone zone) {
        JsonNode body = RequestJson.object(r);
        String certificate = text(body, "certificate");
        String key = text(body, "private_key");
        Certificates.EdgeCertificate checked;
        try {
            checked = Certificates.check(certificate, key, zone.name());
        } catch (CertificateProblem e) {
            throw refused(e);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(INVALID, e.getMessage());
        }
        // a name of a zone nested in this one is that zone's to serve
        for (String name : Certificates.dnsNames(checked.leaf())) {
            String owner = StoredZones.nestedOwner(store, zone.name(), name);
            if (owner != null) {
                throw ApiException.badRequest(INVALID, "certificate: " + name + " belongs to zone " + owner
                        + " (expected: names of " + zone.name() + " outside its nested zones)");
            }
        }
        return checked;
    }

    /**
     * Cloudflare's error for a chain or key it cannot use (its custom certificates' codes 1002,
     * 2106 and 2200, with its words), followed by what exactly is wrong.
     */
    private static ApiException refused(CertificateProblem e) {
        ApiError error = switch (e.part()) {
            case CERTIFICATE -> new ApiError(1002, "Invalid certificate. (" + e.getMessage() + ")");
            case PRIVATE_KEY -> new ApiError(2106, "The private key you uploaded is invalid. Please check your input and try again. ("
                    + e.getMessage() + ")");
            case PAIR -> new ApiError(2200, "The certificate and private key pair you uploaded is invalid. (" + e.getMessage() + ")");
        };
        return new ApiException(400, error);
    }

    private ApiResponse delete(StoredZone zone, String id, StoredToken token) {
        find(zone, id);
        store.deleteCertificate(zone.id(), id, Credentials.actor(token));
        return Envelope.success(F.objectNode().put("id", id));
    }

    private StoredCertificate find(StoredZone zone, String id) {
        return store.certificate(zone.id(), id)
                .orElseThrow(() -> new ApiException(404, new ApiError(1003, "Certificate " + id + " does not exist")));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw ApiException.badRequest(INVALID, field + ": missing (expected: PEM text)");
        }
        return value.asText();
    }

    private static ObjectNode json(StoredCertificate c) {
        X509Certificate leaf = Certificates.parse(c.certificatePem()).get(0);
        ObjectNode o = F.objectNode().put("id", c.id()).put("zone_id", c.zoneId());
        ArrayNode hosts = o.putArray("hosts");
        Certificates.hostNames(leaf).forEach(hosts::add);
        o.put("issuer", leaf.getIssuerX500Principal().getName())
                .put("signature", leaf.getSigAlgName().replace("with", "With")) // SHA256WithRSA, as Cloudflare writes it
                .put("status", "active")
                .put("bundle_method", "force")
                .put("type", "sni_custom")
                .put("priority", 0)
                .put("expires_on", leaf.getNotAfter().toInstant().toString())
                .put("uploaded_on", c.uploadedOn().toString())
                .put("modified_on", c.modifiedOn().toString());
        return o;
    }
}
