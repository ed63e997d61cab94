package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.ConfigLoader;
import dev.pier.control.api.Permission;
import dev.pier.edge.Edge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker bundles of real size through the admin listener, over a raw socket: a script upload
 * with a token that may make it takes up to 10 MiB; without one (or any other request) the node
 * answers from the head and never reads more than 64 KiB of the body; 11 MiB is Cloudflare's 10027.
 */
class ScriptUploadSizeTest {

    static final int MIB = 1024 * 1024;
    static final String UPLOAD = "/client/v4/accounts/pier/workers/scripts/big";

    @TempDir
    Path dir;
    ControlPlane control;
    Edge edge;
    String admin;

    @BeforeEach
    void start() throws Exception {
        control = ControlPlane.open("embedded:" + dir.resolve("store"));
        admin = control.api().credentials().issueToken("admin", EnumSet.allOf(Permission.class), Set.of(), "test");
        var fileConfig = ConfigLoader.parse("""
                listeners: [ { address: 127.0.0.1:0 } ]
                admin: { address: 127.0.0.1:0 }
                request_log: requests.ndjson
                timeouts: { request_head: 30s }
                zones: []
                """, dir);
        long change = control.store().lastChange();
        edge = Edge.start(control.config(fileConfig), null, control.routes(), control.metricsReaders());
        control.follow(edge, change);
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        if (control != null) {
            control.close();
        }
    }

    /** A multipart upload: a tiny main module, and a text module of {@code pageBytes} bytes. */
    static byte[] bundle(int pageBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(pageBytes + 1024);
        String b = "pierboundary";
        out.writeBytes(("--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
                + "{\"main_module\":\"index.js\",\"compatibility_date\":\"2025-04-01\"}\r\n"
                + "--" + b + "\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
                + "Content-Type: application/javascript+module\r\n\r\n"
                + "import page from './page.html';\nexport default { fetch() { return new Response(page.length + ''); } };\r\n"
                + "--" + b + "\r\nContent-Disposition: form-data; name=\"page.html\"; filename=\"page.html\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] page = new byte[pageBytes];
        Arrays.fill(page, (byte) 'x');
        out.writeBytes(page);
        out.writeBytes(("\r\n--" + b + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    record Exchange(String answer, long bodyBytesWritten) {
    }

    /**
     * Sends a head announcing {@code length} bytes (or chunked when {@code length} is negative),
     * then {@code body} from another thread while reading the answer until the node closes.
     */
    Exchange send(String method, String path, String token, long length, byte[] body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", edge.adminAddress().getPort())) {
            s.setSoTimeout(30_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + "Content-Type: multipart/form-data; boundary=pierboundary\r\n"
                    + (length < 0 ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + length + "\r\n")
                    + "Connection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            AtomicLong written = new AtomicLong();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int at = 0; at < body.length; at += 16 * 1024) {
                        int n = Math.min(16 * 1024, body.length - at);
                        if (length < 0) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        }
                        out.write(body, at, n);
                        if (length < 0) {
                            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        }
                        written.addAndGet(n);
                    }
                    if (length < 0) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                } catch (IOException closedByTheNode) {
                    // the node answered and closed without reading the rest: what a refusal does
                }
            });
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (IOException reset) {
                // a reset after the answer: the node closed with the client's bytes unread
            }
            s.close();
            writer.join(30_000);
            return new Exchange(answer.toString(StandardCharsets.UTF_8), written.get());
        }
    }

    @Test
    void aValidFiveMibUploadIsStoredWhole() throws Exception {
        byte[] body = bundle(5 * MIB);
        Exchange e = send("PUT", UPLOAD, admin, body.length, body);
        assertThat(e.answer()).startsWith("HTTP/1.1 200").contains("\"success\":true").contains("\"id\":\"big\"");
        assertThat(control.store().workerScriptModules("big")).anySatisfy(m -> {
            assertThat(m.name()).isEqualTo("page.html");
            assertThat(m.content()).hasSize(5 * MIB);
        });
        // the same as a version upload (what wrangler sends for a later deploy), chunked
        Exchange version = send("POST", UPLOAD + "/versions", admin, -1, bundle(6 * MIB));
        assertThat(version.answer()).startsWith("HTTP/1.1 200").contains("\"success\":true");
        assertThat(control.store().workerScriptModules("big")).anySatisfy(m -> assertThat(m.content()).hasSize(6 * MIB));
    }

    @Test
    void elevenMibIsCloudflaresScriptTooLargeAnsweredFromTheHead() throws Exception {
        byte[] body = bundle(11 * MIB);
        Exchange e = send("PUT", UPLOAD, admin, body.length, body);
        assertThat(e.answer()).startsWith("HTTP/1.1 413").contains("\"code\":10027").contains("exceeded the size limit of 10 MiB");
        // chunked, it is cut off where it passes 10 MiB
        Exchange chunked = send("PUT", UPLOAD, admin, -1, body);
        assertThat(chunked.answer()).startsWith("HTTP/1.1 413").contains("\"code\":10027");
        assertThat(control.store().workerScript("big")).isEmpty();
    }

    @Test
    void withoutAValidTokenTheNodeNeverReadsMoreThan64KiB() throws Exception {
        byte[] body = bundle(10 * MIB - 4096);
        var credentials = control.api().credentials();
        String readOnly = credentials.issueToken("read", Set.of(Permission.WORKERS_SCRIPTS_READ), Set.of(), "test");
        String scoped = credentials.issueToken("scoped", EnumSet.allOf(Permission.class),
                Set.of(control.store().createZone("example.com", "test").id()), "test");
        assertThat(send("PUT", UPLOAD, null, body.length, body).answer()).startsWith("HTTP/1.1 400").contains("\"code\":10000");
        for (String refused : new String[] {"x".repeat(40), readOnly, scoped}) {
            Exchange announced = send("PUT", UPLOAD, refused, body.length, body);
            assertThat(announced.answer()).as(refused).startsWith("HTTP/1.1 403").contains("\"code\":10000");
            // chunked: read until it passes 64 KiB, then answered and closed
            Exchange chunked = send("PUT", UPLOAD, refused, -1, body);
            assertThat(chunked.answer()).as(refused).startsWith("HTTP/1.1 403").contains("\"code\":10000");
        }
        // any other request keeps 64 KiB, whatever its token
        Exchange other = send("POST", "/client/v4/zones", admin, 100 * 1024, new byte[100 * 1024]);
        assertThat(other.answer()).startsWith("HTTP/1.1 413").contains("\"code\":10413").contains("65536");
        assertThat(control.store().workerScript("big")).isEmpty();
        // the refusals held no large-body permit: a valid upload still goes through
        byte[] small = bundle(200 * 1024);
        assertThat(send("PUT", UPLOAD, admin, small.length, small).answer()).startsWith("HTTP/1.1 200");
    }
}
