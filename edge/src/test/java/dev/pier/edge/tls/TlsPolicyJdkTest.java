package dev.pier.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.BeforeAll;

/** {@link TlsPolicyTest} with the edge on the JDK's TLS ({@code -Dpier.tls=jdk}) instead of BoringSSL. */
class TlsPolicyJdkTest extends TlsPolicyTest {

    /** Hides {@link TlsPolicyTest#startEdge()}: the same edge, its contexts built while the JDK's TLS is asked for. */
    @BeforeAll
    static void startEdge() throws Exception {
        System.setProperty("pier.tls", "jdk");
        try {
            assertThat(TlsContexts.provider()).isEqualTo(SslProvider.JDK);
            TlsPolicyTest.startEdge();
        } finally {
            System.clearProperty("pier.tls");
        }
    }
}
