package dev.pier.edge.support;

import dev.pier.config.Certificates;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Certificates and TLS clients for tests: everything is made on the spot, nothing is checked in. */
public final class TestTls {

    private TestTls() {
    }

    /** Writes a self-signed certificate for {@code hosts} as {@code name.pem} and {@code name.key} in {@code dir}. */
    public static Certificates.SelfSigned write(Path dir, String name, String... hosts) throws Exception {
        Certificates.SelfSigned cert = Certificates.selfSigned(hosts);
        cert.write(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
        return cert;
    }

    /**
     * Writes a self-signed RSA 2048 certificate for {@code host} as {@code name.pem} and
     * {@code name.key}: static-RSA key exchange needs an RSA key ({@link Certificates} makes EC).
     */
    public static void writeRsa(Path dir, String name, String host) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + host);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        Files.writeString(dir.resolve(name + ".pem"), pem(certificate));
        Files.writeString(dir.resolve(name + ".key"), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /** A client SSL context that trusts exactly these certificates. */
    public static SSLContext trusting(X509Certificate... trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < trusted.length; i++) {
            store.setCertificateEntry("trusted" + i, trusted[i]);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** Jetty's server TLS set up with a certificate made here. */
    public static SslContextFactory.Server jettyServer(Certificates.SelfSigned cert) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("origin", cert.key(), "secret".toCharArray(), new Certificate[] {cert.certificate()});
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(store);
        factory.setKeyStorePassword("secret");
        return factory;
    }
}
