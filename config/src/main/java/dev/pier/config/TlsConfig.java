package dev.pier.config;

/**
 * Edge-wide TLS settings.
 *
 * @param defaultCertificate the certificate for a client whose SNI names no zone certificate
 *                           (and for clients that send no SNI); null for none
 * @param rejectUnknownSni   fail the handshake of such clients instead of using the default
 */
public record TlsConfig(CertificateFiles defaultCertificate, boolean rejectUnknownSni) {

    public static final TlsConfig NONE = new TlsConfig(null, true);
}
