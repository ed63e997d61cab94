package dev.pier.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.analytics.RequestLog;
import dev.pier.config.Certificates;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.TestTls;
import dev.pier.edge.support.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wss:// and https:// at the edge, and each SSL mode toward ws:// and wss:// origins. */
class TlsTest extends TlsFixture {

    HttpClient client() {
        return HttpClient.newBuilder().sslContext(clientTls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    String echoOverWss(TestEdge edge, String message) throws Exception {
        WsClient listener = new WsClient();
        WebSocket ws = client().newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + edge.port() + "/echo"), listener).get(10, TimeUnit.SECONDS);
        ws.sendText(message, true).join();
        String echoed = listener.next();
        ws.sendClose(1000, "").join();
        listener.next();
        return echoed;
    }

    @Test
    void wssToAPlainOrigin() throws Exception {
        for (String mode : new String[] {"off", "flexible"}) {
            try (TestEdge edge = edge(plainOrigin.port(), "ssl: " + mode, "")) {
                assertThat(echoOverWss(edge, "over tls " + mode)).isEqualTo("text:over tls " + mode);
                RequestLog log = edge.nextLog();
                assertThat(log.clientRequestScheme()).isEqualTo("https");
                HttpResponse<String> headers = client().send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + edge.port() + "/headers")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(headers.body()).contains("x-forwarded-proto: https");
            }
        }
    }

    @Test
    void wssToATlsOriginInFullAndStrictModes() throws Exception {
        try (TestEdge full = edge(tlsOrigin.port(), "ssl: full", "")) {
            assertThat(echoOverWss(full, "full")).isEqualTo("text:full");
        }
        try (TestEdge full = edge(wrongNameOrigin.port(), "ssl: full", "")) {
            assertThat(echoOverWss(full, "full does not check")).isEqualTo("text:full does not check");
        }
        try (TestEdge strict = edge(tlsOrigin.port(), "ssl: strict", "    origin_ca: origin.pem\n")) {
            assertThat(echoOverWss(strict, "strict")).isEqualTo("text:strict");
        }
    }

    @Test
    void strictModeRefusesAnInvalidOriginCertificateWith526() throws Exception {
        // signed by nobody the edge trusts
        try (TestEdge strict = edge(tlsOrigin.port(), "ssl: strict", "")) {
            assertThat(https(strict, "/hello")).startsWith("HTTP/1.1 526").contains("certificate is not valid");
        }
        // trusted, but issued for another host name
        try (TestEdge strict = edge(wrongNameOrigin.port(), "ssl: strict", "    origin_ca: stranger.pem\n")) {
            assertThat(https(strict, "/hello")).startsWith("HTTP/1.1 526");
        }
    }

    @Test
    void tlsToAnOriginThatDoesNotSpeakItIs525() throws Exception {
        try (TestEdge full = edge(plainOrigin.port(), "ssl: full", "")) {
            assertThat(https(full, "/hello")).startsWith("HTTP/1.1 525").contains("TLS handshake with the origin failed");
        }
    }

    /**
     * A TLS socket to the edge that sends SNI "localhost" (the JDK sends none for names without a
     * dot, and the edge refuses clients without SNI unless it has a default certificate). A fresh
     * context each time, so no session is resumed unless a test wants it.
     */
    static SSLSocket socket(SSLContext context, TestEdge edge, String sni) throws Exception {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", edge.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(sni)));
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(20_000);
        return socket;
    }

    static SSLSocket socket(TestEdge edge) throws Exception {
        return socket(TestTls.trusting(edgeCert.certificate()), edge, "localhost");
    }

    /** One HTTPS request over a raw TLS socket; the response as text. */
    String https(TestEdge edge, String path) throws Exception {
        try (SSLSocket socket = socket(edge)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void sniPicksTheZoneCertificateAndUnknownNamesAreRejected() throws Exception {
        try (TestEdge edge = edge(plainOrigin.port(), "", "")) {
            assertThat(peerCertificate(edge, "chat.localhost").getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
            assertThatThrownBy(() -> peerCertificate(edge, "unknown.example")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void unknownNamesGetTheDefaultCertificateWhenConfigured() throws Exception {
        Path config = dir.resolve("pier-default.yaml");
        Files.writeString(config, yaml(plainOrigin.port(), "", "")
                + "tls:\n  default_certificate: { certificate: stranger.pem, key: stranger.key }\n  unknown_sni: default\n");
        try (TestEdge edge = TestEdge.fromFile(config)) {
            SSLContext trustsStranger = TestTls.trusting(strangerCert.certificate());
            try (SSLSocket socket = (SSLSocket) trustsStranger.getSocketFactory().createSocket("127.0.0.1", edge.port())) {
                socket.startHandshake();
                assertThat(((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName())
                        .isEqualTo("CN=somewhere.else");
            }
        }
    }

    X509Certificate peerCertificate(TestEdge edge, String sni) throws Exception {
        try (SSLSocket socket = socket(TestTls.trusting(edgeCert.certificate()), edge, sni)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void theZonesMinimumTlsVersionIsEnforced() throws Exception {
        try (TestEdge edge = edge(plainOrigin.port(), "min_tls_version: \"1.3\"", "")) {
            assertThat(handshake(edge, "TLSv1.3")).isEqualTo("TLSv1.3");
            assertThatThrownBy(() -> handshake(edge, "TLSv1.2")).isInstanceOf(IOException.class);
        }
        try (TestEdge edge = edge(plainOrigin.port(), "", "")) {
            assertThat(handshake(edge, "TLSv1.2")).isEqualTo("TLSv1.2");
            assertThatThrownBy(() -> handshake(edge, "TLSv1.1")).isInstanceOf(IOException.class);
        }
    }

    String handshake(TestEdge edge, String protocol) throws Exception {
        try (SSLSocket socket = socket(edge)) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    @Test
    void sessionsAreResumed() throws Exception {
        try (TestEdge edge = edge(plainOrigin.port(), "", "")) {
            SSLContext context = TestTls.trusting(edgeCert.certificate());
            byte[] first;
            try (SSLSocket socket = socket(context, edge, "localhost")) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.startHandshake();
                first = socket.getSession().getId();
            }
            try (SSLSocket socket = socket(context, edge, "localhost")) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.startHandshake();
                assertThat(socket.getSession().getId()).as("the same session, resumed").isEqualTo(first);
            }
        }
    }

    @Test
    void certificatesReloadWithoutDroppingConnections() throws Exception {
        Path config = dir.resolve("pier-reload.yaml");
        Files.writeString(config, yaml(plainOrigin.port(), "", "").replace("edge.pem, key: edge.key", "reload.pem, key: reload.key"));
        Certificates.SelfSigned before = TestTls.write(dir, "reload", "localhost");
        try (TestEdge edge = TestEdge.fromFile(config)) {
            SSLContext trustsBoth = TestTls.trusting(before.certificate());
            WsClient open = new WsClient();
            WebSocket ws = HttpClient.newBuilder().sslContext(trustsBoth).build().newWebSocketBuilder()
                    .buildAsync(URI.create("wss://localhost:" + edge.port() + "/echo"), open).get(10, TimeUnit.SECONDS);

            Certificates.SelfSigned after = TestTls.write(dir, "reload", "localhost");
            edge.edge.reload(dev.pier.config.ConfigLoader.load(config));
            SSLContext trustsNew = TestTls.trusting(after.certificate());
            try (SSLSocket socket = socket(trustsNew, edge, "localhost")) {
                socket.startHandshake();
                assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(after.certificate());
            }
            ws.sendText("still open", true).join();
            assertThat(open.next()).isEqualTo("text:still open");
            ws.sendClose(1000, "").join();
        }
    }

    @Test
    void aCertificateThatCannotBeReadIsAClearError() throws Exception {
        Files.writeString(dir.resolve("broken.pem"), "not a certificate");
        Path config = dir.resolve("pier-broken.yaml");
        Files.writeString(config, yaml(plainOrigin.port(), "", "").replace("edge.pem", "broken.pem"));
        assertThatThrownBy(() -> TestEdge.fromFile(config)).hasMessageContaining("broken.pem");
    }
}
