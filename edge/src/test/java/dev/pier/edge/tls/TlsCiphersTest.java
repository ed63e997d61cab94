package dev.pier.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pier.config.CertificateFiles;
import dev.pier.edge.support.TestTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the edge offers its clients, with either TLS implementation it may run on (BoringSSL
 * through netty-tcnative, or the JDK's): on TLS 1.2 only ECDHE key exchange with AEAD ciphers,
 * and TLS 1.3. Real handshakes in memory between the edge's server context and a BoringSSL
 * client that offers one suite at a time; each suite the edge refuses is first shown to
 * handshake with Netty's default list on the same provider, so the refusal is the edge's choice.
 */
class TlsCiphersTest {

    @TempDir
    static Path dir;
    static CertificateFiles ec;
    static CertificateFiles rsa;

    @BeforeAll
    static void certificates() throws Exception {
        TestTls.write(dir, "ec", "ec.test");
        TestTls.writeRsa(dir, "rsa", "rsa.test");
        ec = new CertificateFiles(dir.resolve("ec.pem"), dir.resolve("ec.key"));
        rsa = new CertificateFiles(dir.resolve("rsa.pem"), dir.resolve("rsa.key"));
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void everySuiteOfferedIsTls13OrEcdheWithAnAead(SslProvider provider) {
        available(provider);
        for (CertificateFiles files : List.of(ec, rsa)) {
            List<String> offered = TlsContexts.server(files, "1.2", provider).cipherSuites();
            assertThat(offered).as(provider + " offers").isNotEmpty().allSatisfy(suite -> assertThat(
                    suite.matches("TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)")
                            || suite.matches("TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)"))
                    .as(suite).isTrue());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void aClientOfferingOnlyCbcSuitesFailsTheHandshake(SslProvider provider) throws Exception {
        available(provider);
        refused(provider, rsa, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        refused(provider, rsa, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL"})
    void aClientOfferingOnlyStaticRsaKeyExchangeFailsTheHandshake(SslProvider provider) throws Exception {
        // The JDK (24 and later) refuses TLS_RSA_* itself, with any list: only BoringSSL needs the edge's.
        available(provider);
        refused(provider, rsa, "TLS_RSA_WITH_AES_128_GCM_SHA256");
        refused(provider, rsa, "TLS_RSA_WITH_AES_128_CBC_SHA");
        refused(provider, rsa, "TLS_RSA_WITH_AES_256_CBC_SHA");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void ecdheWithAnAeadHandshakesOnTls12(SslProvider provider) throws Exception {
        available(provider);
        for (String suite : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")) {
            assertThat(handshake(TlsContexts.server(ec, "1.2", provider), "TLSv1.2", suite)).isEqualTo("TLSv1.2 " + suite);
        }
        for (String suite : List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")) {
            assertThat(handshake(TlsContexts.server(rsa, "1.2", provider), "TLSv1.2", suite)).isEqualTo("TLSv1.2 " + suite);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void tls13Handshakes(SslProvider provider) throws Exception {
        available(provider);
        for (String minimum : List.of("1.2", "1.3")) {
            assertThat(handshake(TlsContexts.server(ec, minimum, provider), "TLSv1.3", "TLS_AES_128_GCM_SHA256"))
                    .isEqualTo("TLSv1.3 TLS_AES_128_GCM_SHA256");
        }
    }

    private static void available(SslProvider provider) {
        assumeTrue(provider != SslProvider.OPENSSL || OpenSsl.isAvailable(), "netty-tcnative does not load here");
    }

    /** The suite handshakes with Netty's default list, and not with the edge's. */
    private static void refused(SslProvider provider, CertificateFiles files, String suite) throws Exception {
        SslContext nettyDefaults = SslContextBuilder.forServer(files.certificate().toFile(), files.key().toFile())
                .sslProvider(provider).protocols("TLSv1.2").build();
        assertThat(handshake(nettyDefaults, "TLSv1.2", suite)).as("with Netty's defaults").isEqualTo("TLSv1.2 " + suite);
        assertThatThrownBy(() -> handshake(TlsContexts.server(files, "1.2", provider), "TLSv1.2", suite))
                .as(suite + " with the edge's list").isInstanceOf(SSLException.class);
    }

    /** A handshake with a BoringSSL client offering only {@code protocol} and {@code suite}: what was agreed. */
    private static String handshake(SslContext server, String protocol, String suite) throws Exception {
        SslContext clientContext = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).protocols(protocol).ciphers(List.of(suite)).build();
        SSLEngine client = clientContext.newEngine(ByteBufAllocator.DEFAULT, "edge.test", 443);
        SSLEngine edge = server.newEngine(ByteBufAllocator.DEFAULT);
        try {
            InMemoryHandshake.run(client, edge);
            return client.getSession().getProtocol() + " " + client.getSession().getCipherSuite();
        } finally {
            ReferenceCountUtil.release(client);
            ReferenceCountUtil.release(edge);
        }
    }

    /** Drives two engines through a handshake by handing each one's records to the other. */
    static final class InMemoryHandshake {

        private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

        static void run(SSLEngine client, SSLEngine server) throws SSLException {
            ByteBuffer toServer = ByteBuffer.allocate(256 * 1024);
            ByteBuffer toClient = ByteBuffer.allocate(256 * 1024);
            client.beginHandshake();
            server.beginHandshake();
            for (int round = 0; round < 100; round++) {
                boolean moved = step(client, toClient, toServer) | step(server, toServer, toClient);
                if (done(client) && done(server)) {
                    return;
                }
                if (!moved) {
                    throw new IllegalStateException("the handshake stalled: client " + client.getHandshakeStatus()
                            + ", server " + server.getHandshakeStatus());
                }
            }
            throw new IllegalStateException("no handshake after 100 rounds");
        }

        /** One engine's turn: read what the peer wrote, run its tasks, write what it has to say. */
        private static boolean step(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws SSLException {
            boolean moved = false;
            ByteBuffer application = ByteBuffer.allocate(64 * 1024);
            in.flip();
            while (in.hasRemaining()) {
                SSLEngineResult result = engine.unwrap(in, application);
                tasks(engine);
                if (result.bytesConsumed() == 0) {
                    break;
                }
                moved = true;
            }
            in.compact();
            while (true) {
                SSLEngineResult result = engine.wrap(NOTHING, out);
                tasks(engine);
                if (result.bytesProduced() == 0) {
                    break;
                }
                moved = true;
            }
            return moved;
        }

        private static void tasks(SSLEngine engine) {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
        }

        private static boolean done(SSLEngine engine) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || status == SSLEngineResult.HandshakeStatus.FINISHED;
        }
    }
}
