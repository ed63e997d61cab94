package dev.pier.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Request heads the edge refuses before any zone, WAF or origin sees them: the ambiguous ones
 * a second parser could read differently. The zone's origin is port 9 (nothing listens), so a
 * head that got past these checks would be answered 521, never with the refusal asserted here;
 * each refusal closes the connection when what follows the head cannot be framed.
 */
class RequestHeadRefusalTest extends EmbeddedClientPipeline {

    private String refused(String request) {
        channel("");
        String response = exchange(request);
        channel.runPendingTasks();
        return response;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Content-Length framed      | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nConnection: Content-Length\\r\\nContent-Length: 5\\r\\n\\r\\nhello
            Transfer-Encoding framed   | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nConnection: keep-alive, Transfer-Encoding\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            Host                       | GET /a HTTP/1.1\\r\\nHost: example.com\\r\\nConnection: host\\r\\n\\r\\n
            Sec-WebSocket-Key          | GET /a HTTP/1.1\\r\\nHost: example.com\\r\\nConnection: Upgrade, Sec-WebSocket-Key\\r\\nUpgrade: websocket\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n
            """)
    void aConnectionOptionNamingAHeaderTheRequestIsFramedOrRoutedByIs400(String name, String request) {
        String response = refused(unescape(request));
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: ").containsIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isFalse();
        assertThat(logs).singleElement().satisfies(log -> assertThat(log.edgeResponseStatus()).isEqualTo(400));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            two Host headers          | GET /a HTTP/1.1\\r\\nHost: example.com\\r\\nHost: example.com\\r\\n\\r\\n
            two different Hosts       | GET /a HTTP/1.1\\r\\nHost: example.com\\r\\nHost: evil.test\\r\\n\\r\\n
            userinfo in Host          | GET /a HTTP/1.1\\r\\nHost: x@example.com\\r\\n\\r\\n
            path in Host              | GET /a HTTP/1.1\\r\\nHost: example.com/admin\\r\\n\\r\\n
            space in Host             | GET /a HTTP/1.1\\r\\nHost: example.com x\\r\\n\\r\\n
            port that is not a number | GET /a HTTP/1.1\\r\\nHost: example.com:8o\\r\\n\\r\\n
            empty Host                | GET /a HTTP/1.1\\r\\nHost:\\r\\n\\r\\n
            userinfo in the target    | GET http://x@example.com/a HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n
            a target of another scheme| GET ftp://example.com/a HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n
            a target with no slash    | GET admin HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n
            asterisk with GET         | GET * HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n
            Content-Length 3, 3       | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nContent-Length: 3, 3\\r\\n\\r\\nabc
            two Content-Lengths       | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nContent-Length: 3\\r\\nContent-Length: 3\\r\\n\\r\\nabc
            Content-Length and chunked| POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            chunked not last          | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n0\\r\\n\\r\\n
            an unknown coding         | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nTransfer-Encoding: xchunked\\r\\n\\r\\n0\\r\\n\\r\\n
            space before the colon    | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nTransfer-Encoding : chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            two chunked headers       | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            Transfer-Encoding in 1.0  | POST /a HTTP/1.0\\r\\nHost: example.com\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            """)
    void anAmbiguousHeadIs400AndClosesTheConnection(String name, String request) {
        String response = refused(unescape(request));
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").containsIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isFalse();
        assertThat(logs).singleElement().satisfies(log -> assertThat(log.edgeResponseStatus()).isEqualTo(400));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a byte above 0x7E        | GET /a\\u00c7dmin HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n
            DEL                      | GET /a\\u007fdmin HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n
            an upgrade with a length | GET /chat HTTP/1.1\\r\\nHost: example.com\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\nContent-Length: 5\\r\\n\\r\\nhello
            an upgrade with chunks   | GET /chat HTTP/1.1\\r\\nHost: example.com\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            """)
    void aTargetOfOtherThanVisibleAsciiOrAnUpgradeWithABodyIs400(String name, String request) {
        String response = refused(unescape(request));
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").containsIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            gzip, chunked            | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            a junk coding, chunked   | POST /a HTTP/1.1\\r\\nHost: example.com\\r\\nTransfer-Encoding: chunk-Encoding\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
            """)
    void aTransferEncodingOtherThanChunkedAloneIs501(String name, String request) {
        String response = refused(unescape(request));
        assertThat(response).startsWith("HTTP/1.1 501 Not Implemented\r\n").contains("chunked alone").containsIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void connectIs501() {
        String response = refused("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 501 Not Implemented\r\n").contains("CONNECT").containsIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"HTTP/1.2", "HTTP/2.0", "HTTP/3.1"})
    void aVersionOtherThanHttp11Or10Is505(String version) {
        String response = refused("GET /a " + version + "\r\nHost: example.com\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n").containsIgnoringCase("connection: close");
        assertThat(channel.isOpen()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"})
    void aDuplicatedHandshakeHeaderIs426(String duplicate) {
        String response = refused(upgrade("example.com").replace("\r\n\r\n", "\r\n" + duplicate + "\r\n\r\n"));
        assertThat(response).startsWith("HTTP/1.1 426").contains("sent more than once");
    }

    @Test
    void anAbsoluteFormTargetIsRoutedByItsAuthorityAndLoggedInOriginForm() {
        channel("websockets: off");
        // Host names a zone this edge does not serve: the target's authority wins, as RFC 9112 §3.2.2 says.
        String response = exchange(upgrade("other.test").replace("GET /chat", "GET http://example.com/admin?x=1"));
        assertThat(response).startsWith("HTTP/1.1 403").contains("The zone example.com has the websockets setting off.");
        assertThat(logs).singleElement().satisfies(log -> {
            assertThat(log.clientRequestUri()).isEqualTo("/admin?x=1");
            assertThat(log.clientRequestHost()).isEqualTo("example.com");
            assertThat(log.zoneName()).isEqualTo("example.com");
        });
    }

    @Test
    void anAbsoluteFormTargetOfAnotherHostIsNotServedUnderThisOne() {
        String response = refused("GET http://other.test/admin HTTP/1.1\r\nHost: example.com\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404").contains("Host: other.test");
    }

    static String unescape(String csv) {
        return csv.replace("\\r", "\r").replace("\\n", "\n").replace("\\u00c7", "\u00c7").replace("\\u007f", "\u007f");
    }
}
