package dev.pier.bench;

import dev.pier.config.ConfigLoader;
import dev.pier.edge.Edge;
import dev.pier.edge.websocket.WebSocketAccept;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A whole proxied WebSocket connection through a real edge in this process, over loopback:
 * a browser's upgrade request, the head parsed, the zone's rules (the WAF), the origin
 * connection and its 101, the first frame echoed, the close handshake both ways. The edge
 * runs as {@code pier serve} runs it (epoll, request log on, written to a temporary file); the
 * origin is a minimal WebSocket echo server on virtual threads and the client is this thread
 * with a blocking socket; {@link #edgeCpuNanos()} and {@link #edgeAllocatedBytes()} count the
 * edge's threads alone (its Netty event loops, which nothing else here uses, and its own "pier-" threads).
 */
final class HandshakeLoopback implements AutoCloseable {

    /** The managed OWASP ruleset at its defaults, as {@code bench/waf-churn.sh} configures it. */
    static final String MANAGED = """
                  - phase: http_request_firewall_managed
                    rules:
                      - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }
            """;

    private static final byte[] HI = {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, 'h', 'i'}; // masked with a zero key
    private static final byte[] CLOSE = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8}; // 1000
    private static final byte[] ECHO = {(byte) 0x81, 0x02, 'h', 'i'};
    private static final byte[] CLOSE_ECHO = {(byte) 0x88, 0x02, 0x03, (byte) 0xE8};

    private final Path dir;
    private final ServerSocket originSocket;
    private final ExecutorService originThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread acceptor;
    private final Edge edge;
    private final int edgePort;
    private final byte[] request;
    private final byte[] scratch = new byte[4096];
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** @param rulesets YAML of the zone's rulesets besides the origin rule (indented as a ruleset list item), or "" */
    HandshakeLoopback(String rulesets) throws IOException {
        dir = Files.createTempDirectory("pier-handshake-bench");
        originSocket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().name("bench-origin-acceptor").daemon().start(this::acceptOrigins);
        String yaml = """
                listeners: [ { address: 127.0.0.1:0 } ]
                request_log: requests.ndjson
                zones:
                  - name: chat.example.com
                    settings: { websockets: on }
                    dns_records: [ { type: A, name: chat.example.com, content: 127.0.0.1 } ]
                    rulesets:
                      - phase: http_request_origin
                        rules:
                          - { expression: 'true', action: route, action_parameters: { origin: { port: %d } } }
                %s""".formatted(originSocket.getLocalPort(), rulesets);
        edge = Edge.start(ConfigLoader.parse(yaml, dir));
        edgePort = edge.listenerAddress(0).getPort();
        request = ("GET /socket.io/?EIO=4&transport=websocket&room=lobby&token=abc123 HTTP/1.1\r\n"
                + "Host: chat.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nPragma: no-cache\r\n"
                + "Cache-Control: no-cache\r\n"
                + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n"
                + "Origin: https://chat.example.com\r\nSec-WebSocket-Version: 13\r\n"
                + "Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\n"
                + "Cookie: _ga=GA1.1.1731425977.1718030012; session=Fe26.2**0a1b2c3d4e5f; theme=dark\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One connection from the client's connect to its socket's end: upgrade, one echo, close. */
    void handshake() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edgePort)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000); // an edge that stops answering fails the run instead of holding it
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
            out.write(request);
            int head = readHead(in);
            if (head < 12 || scratch[9] != '1' || scratch[10] != '0' || scratch[11] != '1') {
                throw new IllegalStateException("the edge answered: " + new String(scratch, 0, Math.max(head, 0), StandardCharsets.ISO_8859_1));
            }
            out.write(HI);
            expect(in, ECHO);
            out.write(CLOSE);
            expect(in, CLOSE_ECHO);
            if (in.read() != -1) {
                throw new IllegalStateException("the edge sent more after its close frame");
            }
        }
    }

    /** CPU time of the edge's threads (its event loops and its request log writer), in nanoseconds. */
    long edgeCpuNanos() {
        long sum = 0;
        for (long id : edgeThreads()) {
            sum += Math.max(0, threads.getThreadCpuTime(id));
        }
        return sum;
    }

    /** Bytes allocated by the edge's threads. */
    long edgeAllocatedBytes() {
        long sum = 0;
        for (long id : edgeThreads()) {
            sum += Math.max(0, threads.getThreadAllocatedBytes(id));
        }
        return sum;
    }

    /** Each edge thread's CPU time in nanoseconds, by name. */
    java.util.Map<String, Long> edgeCpuByThread() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (long id : edgeThreads()) {
            java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
            if (info != null) {
                out.merge(info.getThreadName(), Math.max(0, threads.getThreadCpuTime(id)), Long::sum);
            }
        }
        return out;
    }

    private long[] edgeThreads() {
        long self = Thread.currentThread().threadId();
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(t -> t != null && t.getThreadId() != self && (t.getThreadName().startsWith("multiThreadIoEventLoopGroup")
                        || t.getThreadName().startsWith("pier-")))
                .mapToLong(java.lang.management.ThreadInfo::getThreadId)
                .toArray();
    }

    private int readHead(InputStream in) throws IOException {
        int n = 0;
        while (n < 4 || scratch[n - 4] != '\r' || scratch[n - 3] != '\n' || scratch[n - 2] != '\r' || scratch[n - 1] != '\n') {
            int b = in.read();
            if (b < 0 || n == scratch.length) {
                return b < 0 ? n : -1;
            }
            scratch[n++] = (byte) b;
        }
        return n;
    }

    private void expect(InputStream in, byte[] frame) throws IOException {
        int n = in.readNBytes(scratch, 0, frame.length);
        if (n != frame.length || !Arrays.equals(scratch, 0, n, frame, 0, frame.length)) {
            throw new IllegalStateException("expected " + Arrays.toString(frame) + ", got " + Arrays.toString(Arrays.copyOf(scratch, n)));
        }
    }

    private void acceptOrigins() {
        while (!originSocket.isClosed()) {
            try {
                Socket connection = originSocket.accept();
                originThreads.execute(() -> serveOrigin(connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** A WebSocket echo origin for unfragmented frames under 126 bytes: echoes text, answers a close and closes. */
    private static void serveOrigin(Socket connection) {
        try (connection) {
            connection.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(connection.getInputStream(), 2048);
            OutputStream out = connection.getOutputStream();
            String key = null;
            StringBuilder line = new StringBuilder();
            for (int b; ; ) {
                if ((b = in.read()) < 0) {
                    return;
                }
                if (b != '\n') {
                    line.append((char) b);
                    continue;
                }
                String l = line.toString().strip();
                line.setLength(0);
                if (l.isEmpty()) {
                    break;
                }
                if (l.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                    key = l.substring(18).strip();
                }
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + WebSocketAccept.of(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] payload = new byte[125];
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return;
                }
                int length = b1 & 0x7F;
                byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
                if (length > 125 || in.readNBytes(payload, 0, length) != length) {
                    throw new EOFException("frame over 125 bytes or cut short");
                }
                byte[] frame = new byte[2 + length];
                frame[0] = (byte) b0;
                frame[1] = (byte) length;
                for (int i = 0; i < length; i++) {
                    frame[2 + i] = (byte) (payload[i] ^ mask[i & 3]);
                }
                out.write(frame);
                if ((b0 & 0x0F) == 8) {
                    return; // the server closes TCP first
                }
            }
        } catch (IOException e) {
            // the edge went away: nothing to echo
        }
    }

    @Override
    public void close() {
        edge.close();
        try {
            originSocket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        originThreads.shutdownNow();
    }
}
