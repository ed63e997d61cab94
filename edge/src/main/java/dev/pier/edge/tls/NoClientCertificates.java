package dev.pier.edge.tls;

import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The trust of the edge's server contexts, which ask clients for no certificate: it names no
 * issuer and trusts no client certificate. Left to its default, every server context would load
 * the JDK's CA certificates and hand each of them to OpenSSL as an acceptable issuer, for a
 * request it never makes; that was a third of what building a context cost.
 */
final class NoClientCertificates extends SimpleTrustManagerFactory {

    static final NoClientCertificates INSTANCE = new NoClientCertificates();

    private static final X509TrustManager TRUSTS_NO_ONE = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the edge asks clients for no certificate");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server context verifies no server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private NoClientCertificates() {
    }

    @Override
    protected void engineInit(KeyStore keyStore) {
    }

    @Override
    protected void engineInit(ManagerFactoryParameters parameters) {
    }

    @Override
    protected TrustManager[] engineGetTrustManagers() {
        return new TrustManager[] {TRUSTS_NO_ONE};
    }
}
