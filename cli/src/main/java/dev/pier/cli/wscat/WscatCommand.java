package dev.pier.cli.wscat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code pier wscat}: opens a WebSocket and exchanges text messages with it, like the npm
 * {@code wscat} tool.
 *
 * <p>Received messages go to stdout, one per line; status lines ({@code Connected},
 * {@code Disconnected}) and errors go to stderr, so the output of {@code -x} can be piped
 * into another tool. Exit codes: 0 when the session ended normally, 1 when the connection
 * failed or broke, 2 for bad flags.
 */
@Command(name = "wscat", mixinStandardHelpOptions = true,
        description = {
            "Opens a WebSocket and exchanges text messages with it, like the npm wscat tool.",
            "Without -x, every line read from stdin is sent as a text message and every message "
                    + "received is printed as '< message'. End stdin (CTRL+D) to close the connection."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the connection was closed normally",
            "1:the connection failed or broke",
            "2:invalid flags"})
public final class WscatCommand implements Callable<Integer> {

    private static final int OK = 0;
    private static final int FAILED = 1;

    /** Long enough for a slow TLS handshake, short enough that a black-holed host is noticed. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long to wait, by default, for the server to answer our Close before giving up on it. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    /** RFC 6455 limits: a control frame carries at most 125 bytes, two of which a Close spends on its code. */
    private static final int MAX_CONTROL_DATA = 125;
    private static final int MAX_CLOSE_REASON = 123;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--connect"}, required = true, paramLabel = "URL",
            converter = WebSocketUrlConverter.class,
            description = "The ws:// or wss:// URL to connect to.")
    private URI url;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", converter = HeaderConverter.class,
            description = "A header to add to the upgrade request; repeatable.")
    private List<Header> headers = new ArrayList<>();

    @Option(names = {"-s", "--subprotocol"}, paramLabel = "NAME",
            description = "A subprotocol to offer, most preferred first; repeatable.")
    private List<String> subprotocols = new ArrayList<>();

    @Option(names = {"-n", "--no-check"},
            description = "Do not check the server's TLS certificate or host name.")
    private boolean noCheck;

    @Option(names = {"-x", "--execute"}, paramLabel = "MESSAGE",
            description = "Send this text message once connected, print the replies, then close; "
                    + "repeatable (sent in order). Replies are printed without the '< ' prefix.")
    private List<String> execute = new ArrayList<>();

    @Option(names = {"-w", "--wait"}, paramLabel = "SECONDS", defaultValue = "2",
            description = "With -x: how long to wait for replies before closing (default: ${DEFAULT-VALUE}).")
    private double waitSeconds;

    @Option(names = {"-P", "--show-ping-pong"}, description = "Print received pings and pongs.")
    private boolean showPingPong;

    @Option(names = "--slash",
            description = "Read slash commands from stdin: /ping [data], /pong [data], /close [code [reason]].")
    private boolean slash;

    private final InputStream stdin;
    private final Duration closeTimeout;

    /** Used by picocli: reads lines from the process's stdin. */
    public WscatCommand() {
        this(System.in, CLOSE_TIMEOUT);
    }

    /**
     * Lets tests feed the interactive mode without replacing {@code System.in}, and wait longer
     * for a server's Close than a person would on a busy machine.
     */
    WscatCommand(InputStream stdin, Duration closeTimeout) {
        this.stdin = stdin;
        this.closeTimeout = closeTimeout;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!(waitSeconds >= 0 && waitSeconds <= Integer.MAX_VALUE)) { // also rejects NaN
            throw new ParameterException(spec.commandLine(), "--wait must be a number of seconds >= 0");
        }
        HttpClient client = newClient();
        try {
            boolean interactive = execute.isEmpty();
            WscatListener listener = new WscatListener(out(), interactive ? "< " : "", showPingPong);
            WebSocket webSocket = connect(client, listener);
            return interactive ? interactive(webSocket, listener) : execute(webSocket, listener);
        } catch (CompletionException e) {
            return fail(e.getCause());
        } finally {
            // Not close(): that waits for every exchange to finish, which a server that never
            // answered our Close would drag out. The session is over either way.
            client.shutdownNow();
        }
    }

    private HttpClient newClient() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (noCheck) {
            // Belt and braces: the trusting manager already skips the host name check, since JSSE
            // leaves that to an extended trust manager; this property stops the JDK client from
            // asking for it at all. The JDK reads it once, when its client classes initialise, so
            // it only counts if set before the first client of the process is built.
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
            builder.sslContext(trustingContext());
        }
        return builder.build();
    }

    /** Connects, turning handshake settings the JDK refuses (restricted headers and such) into usage errors. */
    private WebSocket connect(HttpClient client, WscatListener listener) {
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
        headers.forEach(header -> builder.header(header.name(), header.value()));
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.getFirst(),
                    subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        try {
            return builder.buildAsync(url, listener).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                throw new ParameterException(spec.commandLine(), "cannot open the WebSocket: " + invalid.getMessage());
            }
            throw e;
        }
    }

    /** Sends the {@code -x} messages, prints replies for the wait time, then closes. */
    private int execute(WebSocket webSocket, WscatListener listener) throws InterruptedException {
        try {
            for (String message : execute) {
                webSocket.sendText(message, true).join();
            }
        } catch (CompletionException e) {
            listener.fail(e.getCause()); // unless the server closed first, e.g. to reject a message
            return finish(webSocket, listener, true);
        }
        awaitQuietly(listener.closed(), Duration.ofMillis(Math.round(waitSeconds * 1000)));
        if (listener.closed().isDone()) {
            return finish(webSocket, listener, true); // the server hung up first: say so
        }
        closeOutput(webSocket, WebSocket.NORMAL_CLOSURE, "");
        return finish(webSocket, listener, false);
    }

    /** Sends stdin line by line until it ends or either side closes. */
    private int interactive(WebSocket webSocket, WscatListener listener) throws InterruptedException {
        err().println("Connected (press CTRL+C to quit)");
        if (!webSocket.getSubprotocol().isEmpty()) {
            err().println("Subprotocol: " + webSocket.getSubprotocol());
        }
        err().flush();
        CompletableFuture<Void> inputDone = new CompletableFuture<>();
        // A daemon thread, because a read from a terminal cannot be interrupted: when the server
        // closes first, the command returns and leaves the thread blocked until the JVM exits.
        Thread.ofPlatform().daemon().name("wscat-stdin").start(() -> {
            try {
                pump(webSocket, listener);
            } finally {
                inputDone.complete(null);
            }
        });
        awaitQuietly(CompletableFuture.anyOf(listener.closed(), inputDone), null);
        return finish(webSocket, listener, true);
    }

    /** Sends each stdin line, and closes the output when stdin ends or {@code /close} is typed. */
    private void pump(WebSocket webSocket, WscatListener listener) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!send(webSocket, listener, line)) {
                    return;
                }
            }
            closeOutput(webSocket, WebSocket.NORMAL_CLOSURE, "");
        } catch (IOException | RuntimeException e) {
            listener.fail(e); // nothing more can be sent, so end the session rather than hang
        }
    }

    /**
     * Sends one line as a message or runs it as a slash command.
     *
     * @return whether to keep reading: false once the output is closed or a send failed
     */
    private boolean send(WebSocket webSocket, WscatListener listener, String line) {
        try {
            if (slash && line.startsWith("/")) {
                return runSlashCommand(webSocket, line);
            }
            webSocket.sendText(line, true).join();
            return true;
        } catch (CompletionException e) {
            listener.fail(e.getCause());
            return false;
        }
    }

    /**
     * Runs {@code /ping [data]}, {@code /pong [data]} or {@code /close [code [reason]]}. A mistyped
     * command only earns a note on stderr: the session goes on.
     *
     * @return whether to keep reading: false once {@code /close} has closed the output
     */
    private boolean runSlashCommand(WebSocket webSocket, String line) {
        String[] words = line.substring(1).split("\\s+", 2);
        String argument = words.length > 1 ? words[1].strip() : "";
        switch (words[0]) {
            case "ping", "pong" -> sendControl(webSocket, words[0], argument);
            case "close" -> {
                return !closeCommand(webSocket, argument);
            }
            default -> printNote("unknown slash command " + line + " (expected /ping, /pong or /close)");
        }
        return true;
    }

    /** Sends a ping or a pong, whose data the protocol caps at 125 bytes. */
    private void sendControl(WebSocket webSocket, String kind, String data) {
        ByteBuffer payload = utf8(data);
        if (payload.remaining() > MAX_CONTROL_DATA) {
            printNote("/" + kind + ": the data must be at most " + MAX_CONTROL_DATA + " bytes");
            return;
        }
        (kind.equals("ping") ? webSocket.sendPing(payload) : webSocket.sendPong(payload)).join();
    }

    /** @return whether the output was closed */
    private boolean closeCommand(WebSocket webSocket, String argument) {
        String[] words = argument.split("\\s+", 2);
        int code;
        try {
            code = words[0].isEmpty() ? WebSocket.NORMAL_CLOSURE : Integer.parseInt(words[0]);
        } catch (NumberFormatException e) {
            printNote("/close: the status code must be a number, not '" + words[0] + "'");
            return false;
        }
        String reason = words.length > 1 ? words[1] : "";
        if (utf8(reason).remaining() > MAX_CLOSE_REASON) {
            printNote("/close: the reason must be at most " + MAX_CLOSE_REASON + " bytes");
            return false;
        }
        try {
            webSocket.sendClose(code, reason).join();
            return true;
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof IllegalArgumentException)) {
                throw e;
            }
            // The JDK refuses reserved codes (1002, 1003, 1006, ...) and leaves the output open.
            printNote("/close: status code " + code + " may not be sent; use 1000 or 3000-4999");
            return false;
        }
    }

    /**
     * Waits for the server's Close (up to the close timeout if we sent ours and it has not
     * answered yet) and turns the outcome into the exit code.
     *
     * @param announce whether to print how the server closed; not after an {@code -x} run
     *        closed by us, where the echo of our own Close is noise
     */
    private int finish(WebSocket webSocket, WscatListener listener, boolean announce) throws InterruptedException {
        try {
            WscatListener.Closure closure = listener.closed().get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (announce) {
                err().printf("Disconnected (code: %d, reason: \"%s\")%n", closure.code(), closure.reason());
                err().flush();
            }
            return OK;
        } catch (TimeoutException e) {
            webSocket.abort(); // we said goodbye; a server that does not answer is its problem
            return OK;
        } catch (ExecutionException e) {
            return fail(e.getCause());
        }
    }

    /**
     * Starts the closing handshake. A failure needs no handling here: it means the connection is
     * already gone, which the listener reports.
     */
    private static void closeOutput(WebSocket webSocket, int code, String reason) {
        webSocket.sendClose(code, reason);
    }

    /** Waits for the future, or for the timeout if not null; its outcome is read later. */
    private static void awaitQuietly(CompletableFuture<?> future, Duration timeout) throws InterruptedException {
        try {
            if (timeout == null) {
                future.get();
            } else {
                future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            // the caller looks at the future itself
        }
    }

    private int fail(Throwable error) {
        err().println("error: " + describe(error));
        err().flush();
        return FAILED;
    }

    /** One line a user can act on, instead of the JDK's often message-less exceptions. */
    private String describe(Throwable error) {
        if (error instanceof WebSocketHandshakeException refused) {
            return "the server refused the WebSocket upgrade of " + url + " with HTTP status "
                    + refused.getResponse().statusCode();
        }
        if (error instanceof HttpConnectTimeoutException) {
            return "timed out connecting to " + url;
        }
        if (error instanceof ConnectException) {
            return error.getCause() instanceof UnresolvedAddressException
                    ? "unknown host " + url.getHost()
                    : "connection refused to " + url;
        }
        if (error instanceof SSLException) {
            return "TLS handshake with " + url.getHost() + " failed: " + error.getMessage()
                    + " (-n skips certificate checks)";
        }
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    private void printNote(String note) {
        err().println(note);
        err().flush();
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An SSL context that accepts any certificate, for {@code -n}. */
    private static SSLContext trustingContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingManager()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
    }

    /** A header given with {@code -H}. */
    record Header(String name, String value) {}

    /** Parses {@code -H "Name: value"}, rejecting anything that is not a header line. */
    static final class HeaderConverter implements ITypeConverter<Header> {
        /** An HTTP token (RFC 9110), which is what a header name must be. */
        private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

        @Override
        public Header convert(String value) {
            int colon = value.indexOf(':');
            String name = colon < 0 ? "" : value.substring(0, colon).strip();
            if (!TOKEN.matcher(name).matches()) {
                throw new TypeConversionException("expected 'Name: value', got '" + value + "'");
            }
            return new Header(name, value.substring(colon + 1).strip());
        }
    }

    /** Parses {@code -c}, accepting only what the JDK client can open: ws or wss, a host, no fragment. */
    static final class WebSocketUrlConverter implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            if (!value.contains("://")) { // 'localhost:8080' would otherwise pass as scheme 'localhost'
                throw new TypeConversionException(
                        "expected a ws:// or wss:// URL, got '" + value + "' (did you mean ws://" + value + "?)");
            }
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new TypeConversionException("'" + value + "' is not a valid URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new TypeConversionException("expected a ws:// or wss:// URL, got '" + value + "'");
            }
            if (uri.getHost() == null) {
                throw new TypeConversionException("'" + value + "' has no host");
            }
            if (uri.getFragment() != null) {
                throw new TypeConversionException("'" + value + "' must not have a #fragment");
            }
            return uri;
        }
    }

    /**
     * Trusts every certificate. The extended variant matters: for a plain X509TrustManager the
     * JDK adds its own host name check on top, which {@code -n} promises to skip.
     */
    private static final class TrustingManager extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
