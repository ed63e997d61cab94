package dev.pier.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.encoders.DecoderException;

/**
 * Certificates and keys in PEM: reading them, checking a pair as an edge certificate, and making
 * self-signed ones (BouncyCastle) for the demo and tests.
 */
public final class Certificates {

    private Certificates() {
    }

    /** A self-signed certificate and its key, as PEM text. */
    public record SelfSigned(String certificatePem, String keyPem, X509Certificate certificate, PrivateKey key) {

        /** Writes both PEM files (the key readable by the owner only where the file system allows). */
        public void write(Path certificateFile, Path keyFile) throws IOException {
            Files.createDirectories(certificateFile.toAbsolutePath().getParent());
            Files.writeString(certificateFile, certificatePem);
            Files.writeString(keyFile, keyPem);
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        }
    }

    /** A self-signed EC P-256 certificate for {@code hosts} (DNS names or IP addresses), valid for a year. */
    public static SelfSigned selfSigned(String... hosts) {
        Instant now = Instant.now();
        return selfSigned(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), hosts);
    }

    /** A self-signed EC P-256 certificate for {@code hosts}, valid from {@code notBefore} to {@code notAfter}. */
    public static SelfSigned selfSigned(Instant notBefore, Instant notAfter, String... hosts) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + hosts[0]);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
            List<GeneralName> names = new ArrayList<>();
            for (String host : hosts) {
                boolean ip = host.matches("[0-9.]+") || host.contains(":");
                names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new SelfSigned(pem(certificate), pem(new JcaPKCS8Generator(keys.getPrivate(), null)), certificate, keys.getPrivate());
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                 | org.bouncycastle.cert.CertIOException | org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The certificates in PEM text, leaf first.
     *
     * @throws CertificateProblem (part CERTIFICATE) when there is none, or one is not a certificate
     */
    public static List<X509Certificate> parse(String pem) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new CertificateProblem(CertificateProblem.Part.CERTIFICATE, "no certificate in it (expected: a PEM certificate chain,"
                        + " leaf first)", null);
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new CertificateProblem(CertificateProblem.Part.CERTIFICATE, "not a PEM certificate chain (" + e.getMessage() + ")", e);
        } catch (CertificateProblem e) {
            throw e;
        } catch (RuntimeException e) {
            // the JDK's parser throws unchecked exceptions for some malformed DER as well
            throw new CertificateProblem(CertificateProblem.Part.CERTIFICATE, "not a PEM certificate chain (its content is not"
                    + " a certificate)", e);
        }
    }

    /**
     * The private key in PEM text: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA
     * PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}), unencrypted.
     *
     * @throws CertificateProblem (part PRIVATE_KEY) when it holds no such key
     */
    public static PrivateKey parseKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            var converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new CertificateProblem(CertificateProblem.Part.PRIVATE_KEY, object == null
                    ? "no key in it (expected: a PEM private key, unencrypted)"
                    : "not an unencrypted private key (expected: BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)", null);
        } catch (CertificateProblem e) {
            throw e;
        } catch (DecoderException e) {
            throw new CertificateProblem(CertificateProblem.Part.PRIVATE_KEY, "not a PEM private key (the base64 between its BEGIN and"
                    + " END lines cannot be decoded)", e);
        } catch (PEMException e) {
            // BouncyCastle's words here name its own exceptions ("failed to construct sequence…"): they help nobody
            throw new CertificateProblem(CertificateProblem.Part.PRIVATE_KEY, "not a PEM private key (its content is not a key"
                    + " structure)", e);
        } catch (IOException e) {
            // the framing: an END line missing, a block of another kind
            throw new CertificateProblem(CertificateProblem.Part.PRIVATE_KEY, "not a PEM private key (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new CertificateProblem(CertificateProblem.Part.PRIVATE_KEY, "not a PEM private key (its content is not a key"
                    + " structure)", e);
        }
    }

    /**
     * Checks that {@code key} is the private half of the certificate's public key, by signing
     * with one and verifying with the other (whatever the algorithm: RSA, EC, Ed25519).
     *
     * @throws CertificateProblem part PAIR when it is not, PRIVATE_KEY when the key's algorithm is none of these
     */
    public static void checkPair(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new CertificateProblem(CertificateProblem.Part.PRIVATE_KEY, "a " + key.getAlgorithm()
                    + " key (expected: RSA, EC or Ed25519)", null);
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new CertificateProblem(CertificateProblem.Part.PAIR, "the private key does not match the certificate", null);
            }
        } catch (GeneralSecurityException e) {
            throw new CertificateProblem(CertificateProblem.Part.PAIR, "the private key does not match the certificate ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * An edge certificate as it is kept: the chain and the key re-encoded from what was parsed
     * (PEM, the key as PKCS#8), so nothing that came around them (comments, other blocks, odd
     * characters) is kept, and the same certificate is always the same text.
     */
    public record EdgeCertificate(String certificatePem, String keyPem, X509Certificate leaf) {

        @Override
        public String toString() {
            return "EdgeCertificate[" + leaf.getSubjectX500Principal() + "]";
        }
    }

    /**
     * Checks a certificate chain and its key as an edge certificate of {@code zone}: a PEM chain
     * in which each certificate is signed by the next; an unencrypted key that matches the leaf;
     * the leaf valid now, and naming at least one DNS name, each the zone itself or a name under
     * it (a zone cannot take another's names).
     *
     * @return the chain and key in the form they are kept in
     * @throws IllegalArgumentException naming the part that is wrong ({@code certificate: …} or
     *                                  {@code private_key: …}); a {@link CertificateProblem} when the
     *                                  chain or the key cannot be read or do not match
     */
    public static EdgeCertificate check(String certificatePem, String keyPem, String zone) {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = parse(certificatePem);
        } catch (CertificateProblem e) {
            throw new CertificateProblem(e.part(), "certificate: " + e.getMessage(), e);
        }
        try {
            key = parseKey(keyPem);
            checkPair(chain.get(0), key);
        } catch (CertificateProblem e) {
            throw new CertificateProblem(e.part(), "private_key: " + e.getMessage(), e);
        }
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("certificate: expired on " + leaf.getNotAfter().toInstant(), e);
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("certificate: not valid before " + leaf.getNotBefore().toInstant(), e);
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            try {
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("certificate: certificate " + (i + 1) + " of the chain is not signed by the next one"
                        + " (expected: the leaf first, then each issuer)", e);
            }
        }
        Set<String> names = hostNames(leaf);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("certificate: no DNS name in its subjectAltName (expected: the names it serves)");
        }
        String apex = zone.toLowerCase(Locale.ROOT);
        for (String name : names) {
            if (!name.equals(apex) && !name.endsWith("." + apex)) {
                throw new IllegalArgumentException("certificate: " + name + " is not a name of zone " + zone
                        + " (expected: " + apex + " or names under it)");
            }
        }
        try {
            return new EdgeCertificate(canonicalChain(certificatePem), pem(new JcaPKCS8Generator(key, null)), leaf);
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalArgumentException("private_key: cannot be written as PKCS#8 (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A chain of certificates in PEM, re-encoded from what was parsed: nothing around the blocks
     * is kept, and the same certificates are always the same text.
     *
     * @throws IllegalArgumentException when it holds no certificate
     */
    public static String canonicalChain(String pem) {
        StringBuilder out = new StringBuilder();
        parse(pem).forEach(c -> out.append(pem(c)));
        return out.toString();
    }

    /** The DNS names (not the IP addresses) a certificate is for, lower case: what SNI can ask for. */
    public static Set<String> hostNames(X509Certificate certificate) {
        return subjectAltNames(certificate, false);
    }

    /** The certificates in a PEM file, leaf first. */
    public static List<X509Certificate> read(Path pemFile) {
        // read whole: the certificate factory reads its stream a byte at a time
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(pemFile))) {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(pemFile + ": no certificate in it (expected: a PEM certificate chain)");
            }
            return chain;
        } catch (IOException e) {
            throw new IllegalArgumentException(pemFile + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pemFile + ": not a PEM certificate chain (" + e.getMessage() + ")", e);
        }
    }

    /** The DNS names a certificate is for: its subjectAltName DNS entries, wildcards included, lower case (and IP addresses). */
    public static Set<String> dnsNames(X509Certificate certificate) {
        return subjectAltNames(certificate, true);
    }

    /** A certificate's subjectAltName DNS names (type 2), and IP addresses (type 7) when asked, lower case. */
    private static Set<String> subjectAltNames(X509Certificate certificate, boolean withIpAddresses) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0)) || withIpAddresses && Integer.valueOf(7).equals(san.get(0))) {
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("certificate for " + certificate.getSubjectX500Principal()
                    + ": unreadable subjectAltName (" + e.getMessage() + ")", e);
        }
        return names;
    }
}
