package dev.pier.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.TestTls;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every request on a TLS connection is checked against that connection's handshake: its
 * {@code Host} must be covered by the certificate the connection presented (else 421), and the
 * connection's TLS version must meet the minimum of the zone the host belongs to, whatever SNI
 * the handshake was made with (or none). Real TLS handshakes with the JDK's client against an
 * edge with three zones:
 * <ul>
 *   <li>{@code a.test} (TLS 1.2 allowed), whose certificate names a.test, *.a.test and b.test;
 *   <li>{@code b.test}, which requires TLS 1.3, with its own certificate;
 *   <li>{@code c.test}, with its own certificate;
 * </ul>
 * and a default certificate for somewhere.else, given to clients without SNI.
 */
class TlsPolicyTest extends TlsFixture {

    static TestEdge edge;
    static int origin;

    @BeforeAll
    static void startEdge() throws Exception {
        TestTls.write(dir, "zone-a", "a.test", "*.a.test", "b.test");
        TestTls.write(dir, "zone-b", "b.test");
        TestTls.write(dir, "zone-c", "c.test");
        Path config = dir.resolve("pier-policy.yaml");
        Files.writeString(config, """
                listeners:
                  - address: 127.0.0.1:0
                    tls: on
                  - address: 127.0.0.1:0
                request_log: requests.ndjson
                tls:
                  default_certificate: { certificate: stranger.pem, key: stranger.key }
                  unknown_sni: default
                zones:
                """ + zone("a.test", "zone-a", "") + zone("b.test", "zone-b", ", min_tls_version: \"1.3\"") + zone("c.test", "zone-c", ""));
        edge = TestEdge.fromFile(config);
        origin = plainOrigin.httpRequests.get();
    }

    static String zone(String name, String certificate, String settings) {
        return """
                  - name: %1$s
                    settings: { websockets: on%3$s }
                    certificates: [ { certificate: %2$s.pem, key: %2$s.key } ]
                    dns_records:
                      - { type: A, name: %1$s, content: 127.0.0.1 }
                      - { type: CNAME, name: "*.%1$s", content: 127.0.0.1 }
                    rulesets:
                      - phase: http_request_origin
                        rules:
                          - { expression: "true", action: route, action_parameters: { origin: { port: %4$d } } }
                """.formatted(name, certificate, settings, plainOrigin.port());
    }

    @AfterAll
    static void stopEdge() {
        edge.close();
    }

    @BeforeEach
    void forgetEarlierTests() {
        edge.logs.clear();
        originRequests();
    }

    /** The next log record of a request for {@code host} the edge refused (other tests' records may still arrive). */
    private static RequestLog refusalLog(String host) throws InterruptedException {
        while (true) {
            RequestLog log = edge.nextLog();
            if (log.edgeError() != null && host.equals(log.clientRequestHost())) {
                return log;
            }
        }
    }

    @Test
    void tls12ForZoneAThenTheHostOfAZoneRequiringTls13IsRefusedAndTheOriginUntouched() throws Exception {
        try (SSLSocket socket = connect("a.test", "TLSv1.2")) {
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            // zone a's certificate names b.test too: only the version stands in the way
            assertThat(exchange(socket, "b.test")).startsWith("HTTP/1.1 421 ")
                    .contains("requires a newer TLS version", "The zone b.test requires TLS 1.3 or later; this connection uses TLSv1.2.");
        }
        RequestLog log = refusalLog("b.test");
        assertThat(log.edgeError()).isEqualTo("TLS_VERSION_TOO_OLD");
        assertThat(log.edgeResponseStatus()).isEqualTo(421);
        assertThat(log.zoneName()).isEqualTo("b.test");
        assertThat(originRequests()).isZero();
    }

    @Test
    void theSameRequestOverTls13IsServed() throws Exception {
        try (SSLSocket socket = connect("a.test", "TLSv1.3")) {
            assertThat(exchange(socket, "b.test")).startsWith("HTTP/1.1 200 ").endsWith("hello from jetty\n");
        }
        try (SSLSocket socket = connect("b.test", "TLSv1.3")) {
            assertThat(exchange(socket, "b.test")).startsWith("HTTP/1.1 200 ");
        }
        assertThatThrownBy(() -> connect("b.test", "TLSv1.2")).as("zone b's own handshake").isInstanceOf(IOException.class);
        assertThat(originRequests()).isEqualTo(2);
    }

    @Test
    void aHostTheCertificateDoesNotCoverIs421() throws Exception {
        try (SSLSocket socket = connect("a.test", "TLSv1.3")) {
            assertThat(exchange(socket, "c.test")).startsWith("HTTP/1.1 421 ").contains("error 1013: ",
                    "Host c.test is not a name of the certificate this connection presented (SNI a.test).");
        }
        try (SSLSocket socket = connect("c.test", "TLSv1.3")) {
            assertThat(exchange(socket, "a.test")).startsWith("HTTP/1.1 421 ");
        }
        assertThat(refusalLog("c.test").edgeError()).isEqualTo("MISDIRECTED_REQUEST");
        assertThat(originRequests()).isZero();
    }

    @Test
    void withoutSniTheDefaultCertificateCoversNoZoneSoEveryRequestIs421() throws Exception {
        for (String host : List.of("a.test", "b.test", "c.test")) {
            try (SSLSocket socket = connect(null, "TLSv1.3")) {
                assertThat(exchange(socket, host)).startsWith("HTTP/1.1 421 ")
                        .contains("Host " + host + " is not a name of the certificate this connection presented (no SNI).");
            }
        }
        assertThat(originRequests()).isZero();
    }

    @Test
    void eachRequestOfAKeepAliveConnectionIsChecked() throws Exception {
        try (SSLSocket socket = connect("a.test", "TLSv1.2")) {
            assertThat(exchange(socket, "a.test")).startsWith("HTTP/1.1 200 ");
            assertThat(exchange(socket, "c.test")).startsWith("HTTP/1.1 421 ");
            assertThat(exchange(socket, "chat.a.test:443")).as("the wildcard, with a port").startsWith("HTTP/1.1 200 ");
            assertThat(exchange(socket, "B.TEST.")).as("b.test spelled otherwise").startsWith("HTTP/1.1 421 ");
            assertThat(exchange(socket, "deep.chat.a.test")).as("a wildcard covers one label").startsWith("HTTP/1.1 421 ");
            assertThat(exchange(socket, "a.test")).startsWith("HTTP/1.1 200 ");
        }
        assertThat(originRequests()).isEqualTo(3);
    }

    @Test
    void aWebSocketUpgradeIsCheckedLikeAnyRequest() throws Exception {
        int upgrades = plainOrigin.upgrades.get();
        try (SSLSocket socket = connect("a.test", "TLSv1.2")) {
            socket.getOutputStream().write(dev.pier.edge.support.RawHttp.upgrade("/echo", "b.test")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(SilentOrigins.readHead(socket.getInputStream())).startsWith("HTTP/1.1 421 ");
        }
        assertThat(plainOrigin.upgrades.get()).isEqualTo(upgrades);
    }

    @Test
    void plainHttpListenersAreNotConcerned() throws Exception {
        int plainPort = edge.edge.listenerAddress(1).getPort();
        String response = dev.pier.edge.support.RawHttp.exchange(plainPort,
                "GET /hello HTTP/1.1\r\nHost: b.test\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 ");
        assertThat(originRequests()).isEqualTo(1);
    }

    /** Origin requests since the last call. */
    private static int originRequests() {
        int now = plainOrigin.httpRequests.get();
        int since = now - origin;
        origin = now;
        return since;
    }

    /** A TLS connection to the edge with this SNI (null: none) and only this protocol version, handshake done. */
    private static SSLSocket connect(String sni, String protocol) throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        InetSocketAddress address = edge.edge.listenerAddress(0);
        SSLSocket socket = (SSLSocket) trustAll.getSocketFactory().createSocket(address.getAddress(), address.getPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        parameters.setProtocols(new String[] {protocol});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(20_000);
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    private static final Pattern LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

    /** One keep-alive request for {@code /hello} with this {@code Host}; the response head and body. */
    private static String exchange(SSLSocket socket, String host) throws IOException {
        socket.getOutputStream().write(("GET /hello HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        String head = SilentOrigins.readHead(in);
        Matcher length = LENGTH.matcher(head);
        assertThat(length.find()).as("a Content-Length in " + head).isTrue();
        return head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }
}
