package dev.pier.edge.support;

import dev.pier.config.Certificates;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
