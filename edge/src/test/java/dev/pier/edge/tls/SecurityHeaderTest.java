package dev.pier.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.TestEdge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The zone setting {@code security_header}: over TLS the edge adds {@code Strict-Transport-Security}
 * and {@code X-Content-Type-Options: nosniff} to the origin's responses, the 101 of an upgrade and
 * its own answers; over plain HTTP, and with the setting at its default (off), it adds nothing.
 */
class SecurityHeaderTest extends TlsFixture {

    static final String HSTS = "security_header: { strict_transport_security: { enabled: true, max_age: 600, "
            + "include_subdomains: true, nosniff: true } }";

    static final String UPGRADE = "GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

    @Test
    void tlsResponsesCarryTheZonesHstsAndNosniff() throws Exception {
        try (TestEdge edge = edge(plainOrigin.port(), HSTS, "")) {
            String origin = head(tls(edge), "GET /headers HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(origin).startsWith("HTTP/1.1 200")
                    .contains("strict-transport-security: max-age=600; includeSubDomains\r\n")
                    .contains("x-content-type-options: nosniff\r\n");

            String upgraded = head(tls(edge), UPGRADE);
            assertThat(upgraded).startsWith("HTTP/1.1 101").contains("strict-transport-security: max-age=600; includeSubDomains\r\n");

            // the edge's own answer for the zone: an upgrade without a key is refused before any origin
            String refused = head(tls(edge), UPGRADE.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""));
            assertThat(refused).startsWith("HTTP/1.1 426").contains("strict-transport-security: max-age=600; includeSubDomains\r\n");

            // a host no zone has gets nothing: no zone, no setting
            assertThat(head(tls(edge), "GET / HTTP/1.1\r\nHost: nowhere.example\r\n\r\n"))
                    .doesNotContainIgnoringCase("strict-transport-security");
        }
    }

    @Test
    void keptAliveRequestsEachGetTheirZonesHeader() throws Exception {
        try (TestEdge edge = edge(plainOrigin.port(), HSTS, "")) {
            Socket socket = tls(edge);
            String request = "GET /headers HTTP/1.1\r\nHost: localhost\r\n\r\n";
            socket.getOutputStream().write((request + "GET / HTTP/1.1\r\nHost: nowhere.example\r\n\r\n" + request)
                    .getBytes(StandardCharsets.US_ASCII));
            String first = readResponse(socket.getInputStream());
            String second = readResponse(socket.getInputStream());
            String third = readResponse(socket.getInputStream());
            socket.close();
            assertThat(first).contains("strict-transport-security: max-age=600; includeSubDomains\r\n");
            assertThat(second).doesNotContainIgnoringCase("strict-transport-security");
            assertThat(third).contains("strict-transport-security: max-age=600; includeSubDomains\r\n");
        }
    }

    @Test
    void plainHttpAndTheDefaultAddNothing() throws Exception {
        try (TestEdge edge = TestEdge.fromYaml(TestEdge.zoneYaml("localhost", plainOrigin.port(), HSTS))) {
            String plain = head(new Socket("127.0.0.1", edge.port()), "GET /headers HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(plain).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("strict-transport-security")
                    .doesNotContainIgnoringCase("x-content-type-options");
        }
        try (TestEdge edge = edge(plainOrigin.port(), "", "")) {
            String off = head(tls(edge), "GET /headers HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(off).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("strict-transport-security")
                    .doesNotContainIgnoringCase("x-content-type-options");
        }
    }

    private static Socket tls(TestEdge edge) throws IOException {
        SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket("localhost", edge.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("localhost"))); // Java sends no SNI for a name without a dot
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** Sends one request and returns the response head, lower-cased names as Netty writes them. */
    private static String head(Socket socket, String request) throws IOException {
        try (socket) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return readHead(socket.getInputStream());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** A response head and its body (by content-length), so the next response on the connection can be read. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        in.readNBytes(length);
        return head;
    }
}
