package dev.pier.cli.wscat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.demo.EchoOrigin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
        String tooLong = "x".repeat(126);
        Run run = run("/close nope\n/close 1003\n/close 4000 " + tooLong + "\n/ping " + tooLong
                + "\n/frobnicate\nstill here\n", "-c", url, "--slash");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err().lines()).contains(
                "/close: the status code must be a number, not 'nope'",
                "/close: status code 1003 may not be sent; use 1000 or 3000-4999",
                "/close: the reason must be at most 123 bytes",
                "/ping: the data must be at most 125 bytes",
                "unknown slash command /frobnicate (expected /ping, /pong or /close)",
                "Disconnected (code: 1000, reason: \"\")");
        assertThat(run.out().lines()).containsExactly("< still here");
    }

    @Test
    void headersAreSentWithTheUpgradeRequestAndARefusedUpgradeReportsTheStatus() throws Exception {
        try (OneShotServer server = OneShotServer.refusing(403)) {
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
    void fragmentsAreReassembledAndAServerCloseEndsTheSessionWhileStdinIsStillOpen() throws Exception {
        byte[] binary = {1, 2, 3};
        try (OneShotServer server = OneShotServer.scripted(
                OneShotServer.frame(0x01, utf8("hel")),           // text, more to come
                OneShotServer.frame(0x00, utf8("lo, ")),          // continuation
                OneShotServer.frame(0x80, utf8("world")),         // last continuation
                OneShotServer.frame(0x82, binary),                // whole binary message
                OneShotServer.frame(0x88, OneShotServer.closePayload(1001, "going away")));
                PipedOutputStream neverWritten = new PipedOutputStream()) {
            // stdin stays open: only the server's Close can end this session
            Run run = run(new PipedInputStream(neverWritten), "-c", "ws://127.0.0.1:" + server.port() + "/");

            assertThat(run.exitCode()).isZero();
            assertThat(run.out().lines()).containsExactly("< hello, world", "< [binary 3 bytes]");
            assertThat(run.err().lines()).containsExactly(
                    "Connected (press CTRL+C to quit)", "Disconnected (code: 1001, reason: \"going away\")");
        }
    }

    @Test
    void executeReportsAServerThatClosesBeforeTheWaitIsOver() throws Exception {
        try (OneShotServer server = OneShotServer.scripted(
                OneShotServer.frame(0x81, utf8("welcome")),
                OneShotServer.frame(0x88, OneShotServer.closePayload(1008, "policy")))) {
            Run run = run("", "-c", "ws://127.0.0.1:" + server.port() + "/", "-x", "hi", "-w", "60");

            assertThat(run.exitCode()).isZero();
            assertThat(run.out().lines()).containsExactly("welcome");
            assertThat(run.err().lines()).containsExactly("Disconnected (code: 1008, reason: \"policy\")");
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
        // a port bound but not listening refuses connections, and nothing else can take it meanwhile
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String target = "ws://127.0.0.1:" + bound.getLocalPort() + "/";

            Run run = run("", "-c", target, "-x", "hello");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines()).containsExactly("error: connection refused to " + target);
            assertThat(run.out()).isEmpty();
        }
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
        return run(new ByteArrayInputStream(utf8(stdin)), args);
    }

    private static Run run(InputStream in, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new WscatCommand(in, Duration.ofSeconds(10)))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
