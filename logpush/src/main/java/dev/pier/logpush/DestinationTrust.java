package dev.pier.logpush;

import dev.pier.config.Certificates;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What https destinations are trusted with: the JDK's certificate authorities, plus those of a
 * PEM file a node names ({@code PIER_LOGPUSH_CA_FILE}: a private CA, or a destination's own
 * self-signed certificate).
 */
public final class DestinationTrust {

    /** The environment variable naming a PEM file of extra authorities. */
    public static final String CA_FILE_VARIABLE = "PIER_LOGPUSH_CA_FILE";

    private DestinationTrust() {
    }

    /** The JDK's authorities plus those in {@code pemFile}; only the JDK's when it is null. */
    public static SSLContext withCaFile(Path pemFile) {
        return pemFile == null ? with(List.of()) : with(Certificates.read(pemFile));
    }

    /** The JDK's authorities plus {@code extra}. */
    public static SSLContext with(List<X509Certificate> extra) {
        try {
            if (extra.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
            }
            for (X509Certificate ca : extra) {
                store.setCertificateEntry("extra-" + n++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Logpush destinations' trust cannot be set up: " + e.getMessage(), e);
        }
    }
}
