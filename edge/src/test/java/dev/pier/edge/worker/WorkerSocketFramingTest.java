package dev.pier.edge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.RawWebSocket;
import dev.pier.edge.support.TestEdge;
import dev.pier.examples.workers.EchoWorker;
import dev.pier.workers.Env;
import dev.pier.workers.host.Script;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example echo Worker's WebSocket as the edge terminates it, seen frame by frame on a raw
 * socket: frames that break RFC 6455 are answered with a close frame carrying the code the RFC
 * asks for (1002, or 1007 for text that is not UTF-8), the TCP connection closes after it, and the
 * record says the edge closed with that code.
 */
class WorkerSocketFramingTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            timeouts:
              close_grace: 5s
            workers:
              - { name: echo, class: dev.pier.examples.workers.EchoWorker }
            zones:
              - name: localhost
                settings:
                  websockets: on
                dns_records:
                  - { type: A, name: localhost, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "localhost/*", script: echo }
            """;

    TestEdge edge;
    RawWebSocket client;

    @BeforeEach
    void start() throws Exception {
        edge = TestEdge.fromYaml(YAML, config -> name -> name.equals("echo") ? new Script("echo", new EchoWorker(), Env.of(Map.of())) : null);
        client = RawWebSocket.connect(edge.port());
        assertThat(client.handshake("/")).startsWith("HTTP/1.1 101 ");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        edge.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1004, 1005, 1006, 1015, 2999, 5000})
    void aCloseWithACodeNoEndpointMaySendIsAnswered1002AndTheConnectionCloses(int code) throws Exception {
        client.write(RawWebSocket.close(code, ""));
        assertFailedWith(1002);
    }

    @Test
    void aCloseWithAOneByteBodyIsAnswered1002() throws Exception {
        client.write(RawWebSocket.frame(true, 0x8, new byte[] {0x03}));
        assertFailedWith(1002);
    }

    @Test
    void aValidCloseIsEchoedByTheWorkerAndTheConnectionCloses() throws Exception {
        client.write(RawWebSocket.close(4999, "done"));
        RawWebSocket.Frame close = client.readFrame();
        assertThat(close.closeCode()).isEqualTo(4999);
        assertThat(close.closeReason()).isEqualTo("done");
        assertThat(client.readToEnd()).isZero();
        RequestLog log = edge.nextLog();
        assertThat(log.webSocketCloseCode()).isEqualTo(4999);
        assertThat(log.webSocketClosedBy()).isEqualTo(RequestLog.ClosedBy.client);
    }

    @Test
    void aFrameWithAReservedOpcodeIsAnswered1002AfterTheEchoOfWhatCameBefore() throws Exception {
        client.write(RawWebSocket.text("before"));
        assertThat(client.readFrame().text()).isEqualTo("before");
        client.write(RawWebSocket.frame(true, 0x3, new byte[0]));
        assertFailedWith(1002);
    }

    @Test
    void aCloseReasonThatIsNotUtf8IsAnswered1007() throws Exception {
        byte[] payload = {0x03, (byte) 0xE8, (byte) 0xCE, (byte) 0xBA, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        client.write(RawWebSocket.frame(true, 0x8, payload));
        assertFailedWith(1007);
    }

    @Test
    void textThatIsNotUtf8AcrossFragmentsIsAnswered1007() throws Exception {
        client.write(RawWebSocket.frame(false, 0x1, "κό".getBytes(StandardCharsets.UTF_8)));
        client.write(RawWebSocket.frame(true, 0x0, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertFailedWith(1007);
    }

    @Test
    void aFragmentedMessageWithAPingBetweenItsFragmentsIsEchoedWholeAfterThePong() throws Exception {
        client.write(RawWebSocket.frame(false, 0x1, "frag".getBytes(StandardCharsets.UTF_8)));
        client.write(RawWebSocket.frame(true, 0x9, "ping".getBytes(StandardCharsets.UTF_8)));
        client.write(RawWebSocket.frame(true, 0x0, "ment".getBytes(StandardCharsets.UTF_8)));
        RawWebSocket.Frame pong = client.readFrame();
        assertThat(pong.opcode()).isEqualTo(0xA);
        assertThat(pong.text()).isEqualTo("ping");
        RawWebSocket.Frame echo = client.readFrame();
        assertThat(echo.opcode()).isEqualTo(0x1);
        assertThat(echo.text()).isEqualTo("fragment");
        client.write(RawWebSocket.close(1000, "bye"));
        RawWebSocket.Frame close = client.readFrame();
        assertThat(close.closeCode()).isEqualTo(1000);
        assertThat(client.readToEnd()).isZero();
    }

    /** The edge's close frame with {@code code}, then the end of the stream, and the record naming the edge. */
    private void assertFailedWith(int code) throws Exception {
        RawWebSocket.Frame close = client.readFrame();
        assertThat(close.opcode()).isEqualTo(0x8);
        assertThat(close.closeCode()).isEqualTo(code);
        assertThat(client.readToEnd()).isZero();
        RequestLog log = edge.nextLog();
        assertThat(log.webSocketCloseCode()).isEqualTo(code);
        assertThat(log.webSocketClosedBy()).isEqualTo(RequestLog.ClosedBy.edge);
    }
}
