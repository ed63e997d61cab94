package dev.pier.cli.wscat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.demo.EchoOrigin;
import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Runs {@code wscat} in-process against the demo echo origin (and, for failures, against servers
 * that misbehave on purpose). The waits are generous because they only bound how long a reply
 * may take on a slow machine; no test measures speed.
 */
class WscatCommandTest {

    /** Far longer than a loopback echo takes, even on a loaded build machine. */
    private static final String REPLY_WAIT = "5";

    private EchoOrigin origin;
    private String url;

    @BeforeEach
    void startOrigin() throws InterruptedException {
        origin = EchoOrigin.start("127.0.0.1", 0);
        url = "ws://127.0.0.1:" + origin.port() + "/echo";
    }

    @AfterEach
    void stopOrigin() {
        origin.close();
    }

    @Test
    void executePrintsTheEchoedReply() {
        Run run = run("", "-c", url, "-x", "hello pier", "-w", REPLY_WAIT);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).containsExactly("hello pier");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void repeatedExecuteSendsEachMessageInOrder() {
        Run run = run("", "-c", url, "-x", "first", "-x", "second", "-x", "third", "-w", REPLY_WAIT);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).containsExactly("first", "second", "third");
    }

    @Test
    void interactiveModeSendsEachLineAndClosesNormallyAtEndOfInput() {
        Run run = run("one\ntwo\n", "-c", url);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).containsExactly("< one", "< two");
        assertThat(run.err().lines()).containsExactly(
                "Connected (press CTRL+C to quit)", "Disconnected (code: 1000, reason: \"\")");
    }

    @Test
    void printsTheNegotiatedSubprotocol() {
        Run run = run("", "-c", url, "-s", "pier.v2", "-s", "pier.v1");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err().lines()).contains("Subprotocol: pier.v2");
    }

    @Test
    void slashCloseSendsTheCodeAndReasonAndReportsTheServersAnswer() {
        Run run = run("/close 4000 bye\n", "-c", url, "--slash");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err().lines()).contains("Disconnected (code: 4000, reason: \"bye\")");
    }

    @Test
    void slashPingWithShowPingPongPrintsThePong() {
        Run run = run("/ping hi\n", "-c", url, "--slash", "-P");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).containsExactly("< Received pong (data: \"hi\")");
    }

    @Test
    void withoutSlashALineStartingWithSlashIsAnOrdinaryMessage() {
        Run run = run("/close 4000 bye\n", "-c", url);

        assertThat(run.out().lines()).containsExactly("< /close 4000 bye");
        assertThat(run.err().lines()).contains("Disconnected (code: 1000, reason: \"\")");
    }

    @Test
    void aMistypedSlashCommandIsReportedAndTheSessionGoesOn() {
        Run run = run("/close nope\n/frobnicate\nstill here\n", "-c", url, "--slash");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("/close: the status code must be a number, not 'nope'")
                .contains("unknown slash command /frobnicate");
        assertThat(run.out().lines()).containsExactly("< still here");
    }

    @Test
    void headersAreSentWithTheUpgradeRequestAndARefusedUpgradeReportsTheStatus() throws Exception {
        try (RefusingServer server = RefusingServer.start()) {
            Run run = run("", "-c", "ws://127.0.0.1:" + server.port() + "/", "-H", "X-Pier-Test:  yes please ",
                    "-H", "Authorization: Bearer abc");

            assertThat(server.request()).contains("X-Pier-Test: yes please\r\n")
                    .contains("Authorization: Bearer abc\r\n");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines()).singleElement().asString()
                    .startsWith("error: ").contains("HTTP status 403");
        }
    }

    @Test
    void headerIsAcceptedByARealServer() {
        Run run = run("", "-c", url, "-H", "X-Pier-Test: yes", "-x", "with header", "-w", REPLY_WAIT);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).containsExactly("with header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"no colon", ": no name", "bad name: value"})
    void malformedHeaderIsAUsageError(String header) {
        Run run = run("", "-c", url, "-H", header);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("expected 'Name: value', got '" + header + "'");
    }

    @Test
    void headerTheJdkManagesItselfIsAUsageError() {
        Run run = run("", "-c", url, "-H", "Sec-WebSocket-Key: forged");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("cannot open the WebSocket").contains("Sec-WebSocket-Key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/", "127.0.0.1:8080", "ftp://example.com/"})
    void nonWebSocketSchemeIsAUsageError(String target) {
        Run run = run("", "-c", target);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("expected a ws:// or wss:// URL, got '" + target + "'");
    }

    @Test
    void malformedUrlIsAUsageError() {
        Run run = run("", "-c", "ws://bad host/");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'ws://bad host/' is not a valid URL");
    }

    @Test
    void missingConnectIsAUsageError() {
        Run run = run("", "-x", "hello");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--connect=URL'");
    }

    @Test
    void negativeWaitIsAUsageError() {
        Run run = run("", "-c", url, "-x", "hello", "-w", "-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--wait must be a number of seconds >= 0");
    }

    @Test
    void connectionRefusedIsOneErrorLineAndExitCodeOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String target = "ws://127.0.0.1:" + closedPort + "/";

        Run run = run("", "-c", target, "-x", "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).containsExactly("error: connection refused to " + target);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void untrustedCertificateFailsWithoutNoCheckAndWorksWithIt(@TempDir Path workDir) throws Exception {
        try (TlsRelay relay = TlsRelay.start(workDir, origin.port())) {
            String secure = "wss://127.0.0.1:" + relay.port() + "/";

            Run checked = run("", "-c", secure, "-x", "hello");
            assertThat(checked.exitCode()).isEqualTo(1);
            assertThat(checked.err().lines()).singleElement().asString()
                    .startsWith("error: TLS handshake with 127.0.0.1 failed").endsWith("(-n skips certificate checks)");

            Run unchecked = run("", "-c", secure, "-n", "-x", "hello over tls", "-w", REPLY_WAIT);
            assertThat(unchecked.exitCode()).isZero();
            assertThat(unchecked.out().lines()).containsExactly("hello over tls");
        }
    }

    /** Output of one in-process run. */
    private record Run(int exitCode, String out, String err) {}

    private static Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int exitCode = new CommandLine(new WscatCommand(in))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** Answers one upgrade request with 403 and keeps the request's head for inspection. */
    private static final class RefusingServer implements AutoCloseable {
        private final ServerSocket socket;
        private final CompletableFuture<String> request = new CompletableFuture<>();

        private RefusingServer(ServerSocket socket) {
            this.socket = socket;
        }

        static RefusingServer start() throws IOException {
            RefusingServer server = new RefusingServer(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            Thread.ofPlatform().daemon().name("refusing-server").start(server::refuseOne);
            return server;
        }

        int port() {
            return socket.getLocalPort();
        }

        String request() throws Exception {
            return request.get(30, TimeUnit.SECONDS);
        }

        private void refuseOne() {
            try (Socket client = socket.accept()) {
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
                StringBuilder head = new StringBuilder();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    head.append(line).append("\r\n");
                }
                request.complete(head.toString());
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                request.completeExceptionally(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
