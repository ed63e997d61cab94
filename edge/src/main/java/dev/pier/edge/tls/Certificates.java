package dev.pier.edge.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Reading certificates, and making self-signed ones (BouncyCastle) for the demo and tests. */
public final class Certificates {

    private Certificates() {
    }

    /** A self-signed certificate and its key, as PEM text. */
    public record SelfSigned(String certificatePem, String keyPem, X509Certificate certificate, java.security.PrivateKey key) {

        /** Writes both PEM files (the key readable by the owner only where the file system allows). */
        public void write(Path certificateFile, Path keyFile) throws IOException {
            Files.createDirectories(certificateFile.toAbsolutePath().getParent());
            Files.writeString(certificateFile, certificatePem);
            Files.writeString(keyFile, keyPem);
            try {
                Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        }
    }

    /** A self-signed EC P-256 certificate for {@code hosts} (DNS names or IP addresses), valid for a year. */
    public static SelfSigned selfSigned(String... hosts) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + hosts[0]);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(365))), subject, keys.getPublic());
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

    /** The certificates in a PEM file, leaf first. */
    public static List<X509Certificate> read(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
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

    /** The DNS names a certificate is for: its subjectAltName DNS entries, wildcards included, lower case. */
    public static Set<String> dnsNames(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0)) || Integer.valueOf(7).equals(san.get(0))) {
                        names.add(san.get(1).toString().toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new IllegalArgumentException("certificate for " + certificate.getSubjectX500Principal()
                    + ": unreadable subjectAltName (" + e.getMessage() + ")", e);
        }
        return names;
    }
}
