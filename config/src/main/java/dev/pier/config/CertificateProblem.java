package dev.pier.config;

/**
 * A certificate or key that {@link Certificates} refuses, with the part that is wrong, so that an
 * API can answer each part with its own error code. The message names the part and what was
 * expected, and never holds any of the key's text.
 */
public final class CertificateProblem extends IllegalArgumentException {

    /** Which part of an upload is wrong. */
    public enum Part {
        /** The chain cannot be read: not PEM, broken base64, not certificates. */
        CERTIFICATE,
        /** The private key cannot be read: not PEM, broken base64, not a key, encrypted, an algorithm the edge cannot use. */
        PRIVATE_KEY,
        /** The key is readable but is not the private half of the leaf's public key. */
        PAIR
    }

    private final Part part;

    public CertificateProblem(Part part, String message, Throwable cause) {
        super(message, cause);
        this.part = part;
    }

    public Part part() {
        return part;
    }
}
