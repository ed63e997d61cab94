package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.TestEdge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies that stream through a JavaScript Worker, with a client and an origin that speak HTTP/1.1
 * over plain sockets, so that each side sends a chunk, waits, and watches what arrives when: the
 * received request's body as the client sends it, paced by the script; an origin's body through
 * {@code fetch()} chunk by chunk, paced by the client, larger than any limit on whole bodies; a
 * stream sent to the origin chunked; and an aborted signal closing the origin's connection.
 */
class JavaScriptStreamingTest {

    static final String WORKER = """
            export default {
              async fetch(request, env, ctx) {
                const path = new URL(request.url).pathname;
                const origin = env.ORIGIN;
                const enc = new TextEncoder();
                switch (path) {
                  case '/s/echo':
                    return new Response(request.body);
                  case '/s/count': {
                    const { readable, writable } = new TransformStream();
                    const writer = writable.getWriter();
                    (async () => {
                      let total = 0;
                      for await (const chunk of request.body) {
                        total += chunk.byteLength;
                        await writer.write(enc.encode(`got ${total}\\n`));
                      }
                      await writer.write(enc.encode('end\\n'));
                      await writer.close();
                    })().catch((e) => writer.abort(e));
                    return new Response(readable);
                  }
                  case '/s/late-reader': {
                    await new Promise((resolve) => setTimeout(resolve, 1500));
                    let total = 0;
                    const reader = request.body.getReader();
                    for (let r = await reader.read(); !r.done; r = await reader.read()) total += r.value.byteLength;
                    return new Response(`${total} bytes`);
                  }
                  case '/s/text':
                    return new Response(`${(await request.text()).length} characters`);
                  case '/s/client-abort': {
                    try {
                      for await (const chunk of request.body) { }
                      ctx.waitUntil(fetch(origin + '/report', { method: 'POST', body: 'no error' }));
                    } catch (e) {
                      ctx.waitUntil(fetch(origin + '/report', { method: 'POST', body: `${e.name}: ${e.message}` }));
                    }
                    return new Response('read');
                  }
                  case '/s/through':
                    return fetch(origin + '/slow');
                  case '/s/big':
                    return fetch(origin + '/big');
                  case '/s/big-counted': {
                    const r = await fetch(origin + '/big?size=41943040');
                    let total = 0;
                    for await (const chunk of r.body) total += chunk.byteLength;
                    return new Response(`${total} bytes`);
                  }
                  case '/s/headers-changed': {
                    const r = await fetch(origin + '/slow');
                    return new Response(r.body, { status: 203, headers: { 'x-changed': 'yes' } });
                  }
                  case '/s/upload':
                    return fetch(origin + '/sink', { method: 'POST', body: request.body });
                  case '/s/generated': {
                    const { readable, writable } = new TransformStream();
                    const writer = writable.getWriter();
                    (async () => {
                      await writer.write(enc.encode('one;'));
                      await new Promise((resolve) => setTimeout(resolve, 300));
                      await writer.write(enc.encode('two;'));
                      await writer.close();
                    })();
                    const r = await fetch(origin + '/sink', { method: 'PUT', body: readable });
                    return new Response(await r.text());
                  }
                  case '/s/abort-before-head': {
                    const controller = new AbortController();
                    setTimeout(() => controller.abort(), 200);
                    try { await fetch(origin + '/hang', { signal: controller.signal }); return new Response('answered'); }
                    catch (e) { return new Response(e.name); }
                  }
                  case '/s/abort-mid-body': {
                    const controller = new AbortController();
                    const r = await fetch(origin + '/slow', { signal: controller.signal });
                    const reader = r.body.getReader();
                    const first = new TextDecoder().decode((await reader.read()).value);
                    controller.abort();
                    try { await reader.read(); return new Response('no error'); }
                    catch (e) { return new Response(`${first} then ${e.name}`); }
                  }
                }
                return new Response('no route', { status: 404 });
              }
            };
            """;

    static final int BIG = 48 * 1024 * 1024;

    @TempDir
    Path dir;
    RawOrigin origin;
    WorkersNode node;
    TestEdge edge;

    @BeforeEach
    void start() throws Exception {
        origin = new RawOrigin();
        Files.writeString(dir.resolve("worker.js"), WORKER);
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                timeouts:
                  origin_connect: 2s
                  origin_response: 30s
                workers:
                  - { name: streams, main_module: %s, vars: { ORIGIN: "http://127.0.0.1:%d" } }
                zones:
                  - name: localhost
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/s/*", script: streams }
                """.formatted(dir.resolve("worker.js"), origin.port());
        node = WorkersNode.javaScript(yaml, null);
        edge = node.edge;
    }

    @AfterEach
    void stop() throws IOException {
        node.close();
        origin.close();
    }

    // ---------------------------------------------------------------- the received request's body

    @Test
    void aRequestBodyReachesTheWorkerAsTheClientSendsItAndItsAnswerStreamsBack() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.startChunked("POST", "/s/echo");
            client.response();
            for (int i = 0; i < 5; i++) {
                client.chunk("piece " + i + ";");
                // the answer has this piece before the client sent the next one: the Worker ran at the head
                assertThat(client.readBody("piece " + i + ";")).endsWith("piece " + i + ";");
            }
            client.endChunked();
            assertThat(client.readToEnd()).isEmpty();
            assertThat(client.responseHead).contains("HTTP/1.1 200");
            // the connection stays up for the next request
            client.startChunked("POST", "/s/echo");
            client.chunk("again");
            client.endChunked();
            client.response();
            assertThat(client.readToEnd()).isEqualTo("again");
        }
    }

    @Test
    void aScriptReadsEachChunkOfTheRequestBodyAsItArrives() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.startChunked("POST", "/s/count");
            client.response();
            client.chunk("x".repeat(10));
            assertThat(client.readBody("got 10\n")).isEqualTo("got 10\n");
            client.chunk("y".repeat(5));
            assertThat(client.readBody("got 15\n")).isEqualTo("got 15\n");
            client.endChunked();
            assertThat(client.readToEnd()).isEqualTo("end\n");
        }
    }

    @Test
    void aBodyTheScriptDoesNotReadYetHoldsTheClientBackAndALargeOneStillPassesWhole() throws Exception {
        AtomicLong sent = new AtomicLong();
        try (Client client = new Client(edge.port())) {
            client.write("POST /s/late-reader HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + BIG + "\r\n\r\n");
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] block = new byte[64 * 1024];
                try {
                    for (long n = 0; n < BIG; n += block.length) {
                        client.out.write(block);
                        sent.addAndGet(block.length);
                    }
                    client.out.flush();
                } catch (IOException e) {
                    // the test fails on the answer
                }
            });
            Thread.sleep(1000);
            // the script has not read: the edge stopped reading once a chunk waited, so only what sockets buffer left the client
            assertThat(sent.get()).isLessThan(16L * 1024 * 1024);
            client.response();
            assertThat(client.readToEnd()).isEqualTo(BIG + " bytes"); // 48 MiB through, over the 16 MiB a body is gathered up to
            writer.join(5000);
            assertThat(sent.get()).isEqualTo(BIG);
        }
    }

    @Test
    void textReadsAStreamedBodyWhole() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.startChunked("POST", "/s/text");
            client.chunk("é".repeat(1000));
            client.chunk("a".repeat(1000));
            client.endChunked();
            client.response();
            assertThat(client.readToEnd()).isEqualTo("2000 characters");
        }
    }

    @Test
    void aClientThatGoesAwayMidBodyErrorsTheScriptsStream() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.startChunked("POST", "/s/client-abort");
            client.chunk("some of it");
            Thread.sleep(300);
        }
        String report = origin.reports.poll(10, TimeUnit.SECONDS);
        assertThat(report).isEqualTo("TypeError: the client's connection closed before the request body ended");
        assertThat(edge.nextLog().edgeResponseStatus()).isEqualTo(499);
    }

    // ---------------------------------------------------------------- fetch() responses

    @Test
    void anOriginsFirstChunkReachesTheClientBeforeTheOriginFinished() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.write("GET /s/through HTTP/1.1\r\nHost: localhost\r\n\r\n");
            client.response();
            assertThat(client.readBody("first;")).isEqualTo("first;");
            assertThat(origin.slowFinished.getCount()).as("the origin still holds its second chunk").isEqualTo(1);
            origin.releaseSlow.countDown();
            assertThat(client.readToEnd()).isEqualTo("second;");
        }
    }

    @Test
    void aStreamedOriginBodyKeepsItsPaceWhenTheWorkerChangesTheHeaders() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.write("GET /s/headers-changed HTTP/1.1\r\nHost: localhost\r\n\r\n");
            client.response();
            assertThat(client.responseHead).startsWith("HTTP/1.1 203").containsIgnoringCase("x-changed: yes");
            assertThat(client.readBody("first;")).isEqualTo("first;");
            origin.releaseSlow.countDown();
            assertThat(client.readToEnd()).isEqualTo("second;");
        }
    }

    @Test
    void aLargeOriginBodyPassesAtTheClientsPace() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.write("GET /s/big HTTP/1.1\r\nHost: localhost\r\n\r\n");
            client.response();
            Thread.sleep(1000);
            // the client reads nothing yet: the edge stopped reading the origin
            assertThat(origin.bigSent.get()).isLessThan(16L * 1024 * 1024);
            assertThat(client.countToEnd()).isEqualTo(BIG);
        }
    }

    @Test
    void aScriptReadsALargeOriginBodyChunkByChunk() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.write("GET /s/big-counted HTTP/1.1\r\nHost: localhost\r\n\r\n");
            client.response();
            assertThat(client.readToEnd()).isEqualTo(40 * 1024 * 1024 + " bytes"); // more than the Java API's fetch reads whole (32 MiB)
        }
    }

    // ---------------------------------------------------------------- fetch() request bodies

    @Test
    void aRequestBodyGoesOnToTheOriginChunkByChunk() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.startChunked("POST", "/s/upload");
            client.chunk("part one;");
            assertThat(origin.sinkChunks.poll(10, TimeUnit.SECONDS)).isEqualTo("part one;");
            client.chunk("part two;");
            assertThat(origin.sinkChunks.poll(10, TimeUnit.SECONDS)).isEqualTo("part two;");
            client.endChunked();
            client.response();
            assertThat(client.readToEnd()).isEqualTo("POST chunked 18 bytes: part one;part two;");
        }
    }

    @Test
    void aStreamTheScriptWritesGoesToTheOriginChunked() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.write("GET /s/generated HTTP/1.1\r\nHost: localhost\r\n\r\n");
            client.response();
            assertThat(client.readToEnd()).isEqualTo("PUT chunked 8 bytes: one;two;");
        }
        assertThat(origin.sinkChunks).containsExactly("one;", "two;");
    }

    // ---------------------------------------------------------------- aborts

    @Test
    void anAbortedSignalClosesTheOriginsConnectionBeforeItAnswered() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.write("GET /s/abort-before-head HTTP/1.1\r\nHost: localhost\r\n\r\n");
            client.response();
            assertThat(client.readToEnd()).isEqualTo("AbortError");
        }
        assertThat(origin.hangClosed.await(5, TimeUnit.SECONDS)).as("the origin saw its connection close").isTrue();
    }

    @Test
    void anAbortedSignalErrorsTheBodyAndClosesTheOriginsConnectionMidBody() throws Exception {
        try (Client client = new Client(edge.port())) {
            client.write("GET /s/abort-mid-body HTTP/1.1\r\nHost: localhost\r\n\r\n");
            client.response();
            assertThat(client.readToEnd()).isEqualTo("first; then AbortError");
        }
        assertThat(origin.slowClosed.await(5, TimeUnit.SECONDS)).as("the origin saw its connection close").isTrue();
    }

    // ---------------------------------------------------------------- the peers

    /** An HTTP/1.1 client over a plain socket: sends what it is told when told, reads chunked answers chunk by chunk. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        String responseHead;
        private boolean chunked;
        private long remaining;
        private boolean ended;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void startChunked(String method, String path) throws IOException {
            write(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
        }

        void chunk(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void endChunked() throws IOException {
            write("0\r\n\r\n");
        }

        /** Reads the response head. */
        void response() throws IOException {
            responseHead = line(in);
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                responseHead += "\n" + header;
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("content-length:")) {
                    remaining = Long.parseLong(header.substring(header.indexOf(':') + 1).trim());
                }
            }
            ended = !chunked && remaining == 0;
        }

        /** Reads body bytes until what was read ends with {@code expected} (as text). */
        String readBody(String expected) throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.UTF_8).endsWith(expected)) {
                byte[] next = next();
                if (next == null) {
                    break;
                }
                got.writeBytes(next);
            }
            return got.toString(StandardCharsets.UTF_8);
        }

        String readToEnd() throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (byte[] next = next(); next != null; next = next()) {
                got.writeBytes(next);
            }
            return got.toString(StandardCharsets.UTF_8);
        }

        long countToEnd() throws IOException {
            long n = 0;
            for (byte[] next = next(); next != null; next = next()) {
                n += next.length;
            }
            return n;
        }

        /** The next piece of the body (a chunk, or what came of a sized body), or null at its end. */
        private byte[] next() throws IOException {
            if (ended) {
                return null;
            }
            if (!chunked) {
                byte[] piece = in.readNBytes((int) Math.min(remaining, 64 * 1024));
                remaining -= piece.length;
                ended = remaining == 0 || piece.length == 0;
                return piece;
            }
            int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
            if (size == 0) {
                line(in);
                ended = true;
                return null;
            }
            byte[] data = in.readNBytes(size);
            line(in);
            return data;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection ended mid-line: " + line);
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /**
     * An origin over plain sockets: {@code /slow} sends {@code first;}, waits until the test releases it,
     * then {@code second;}; {@code /big} sends {@link #BIG} bytes (or {@code ?size=}) chunked as fast as it may; {@code /sink}
     * takes a request body chunk by chunk and answers what came; {@code /hang} never answers;
     * {@code /report} keeps what a Worker reports.
     */
    static final class RawOrigin implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0);
        final CountDownLatch releaseSlow = new CountDownLatch(1);
        final CountDownLatch slowFinished = new CountDownLatch(1);
        final CountDownLatch slowClosed = new CountDownLatch(1);
        final CountDownLatch hangClosed = new CountDownLatch(1);
        final AtomicLong bigSent = new AtomicLong();
        final BlockingQueue<String> sinkChunks = new LinkedBlockingQueue<>();
        final BlockingQueue<String> reports = new LinkedBlockingQueue<>();

        RawOrigin() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                String[] requestLine = line(in).split(" ");
                Map<String, String> headers = new ConcurrentHashMap<>();
                for (String h = line(in); !h.isEmpty(); h = line(in)) {
                    headers.put(h.substring(0, h.indexOf(':')).toLowerCase(Locale.ROOT), h.substring(h.indexOf(':') + 1).trim());
                }
                String path = requestLine[1].contains("?") ? requestLine[1].substring(0, requestLine[1].indexOf('?')) : requestLine[1];
                switch (path) {
                    case "/slow" -> {
                        out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n6\r\nfirst;\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        s.setSoTimeout(100);
                        while (!releaseSlow.await(50, TimeUnit.MILLISECONDS)) {
                            if (closedByPeer(in)) {
                                slowClosed.countDown();
                                return;
                            }
                        }
                        out.write("7\r\nsecond;\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        slowFinished.countDown();
                    }
                    case "/big" -> {
                        out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        byte[] block = new byte[64 * 1024];
                        byte[] size = (Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                        int total = requestLine[1].contains("?size=") ? Integer.parseInt(requestLine[1].substring(requestLine[1].indexOf('=') + 1))
                                : BIG;
                        for (int n = 0; n < total; n += block.length) {
                            out.write(size);
                            out.write(block);
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                            bigSent.addAndGet(block.length);
                        }
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    case "/sink" -> {
                        boolean isChunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
                        ByteArrayOutputStream all = new ByteArrayOutputStream();
                        if (isChunked) {
                            for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
                                byte[] data = in.readNBytes(n);
                                line(in);
                                sinkChunks.add(new String(data, StandardCharsets.UTF_8));
                                all.writeBytes(data);
                            }
                            line(in);
                        } else {
                            all.writeBytes(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
                        }
                        byte[] answer = (requestLine[0] + (isChunked ? " chunked " : " sized ") + all.size() + " bytes: "
                                + all.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(answer);
                        out.flush();
                    }
                    case "/hang" -> {
                        s.setSoTimeout(15_000);
                        if (in.read() < 0) {
                            hangClosed.countDown();
                        }
                    }
                    case "/report" -> {
                        reports.add(new String(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))),
                                StandardCharsets.UTF_8));
                        out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    default -> out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // the exchange ended; the test judges what arrived
            }
        }

        private static boolean closedByPeer(InputStream in) throws IOException {
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
