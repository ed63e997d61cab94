package dev.pier.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Clients that hold connections without finishing a request head. */
class SlowClientTest {

    /** Pause between the pieces of a trickled head: four pauses are well inside the 2 s limit. */
    static final long TRICKLE_PAUSE_MS = 100;

    static TestEdge edgeWithHeadTimeout(int originPort) {
        return TestEdge.fromYaml(TestEdge.zoneYaml("localhost", originPort, "")
                .replace("close_grace: 2s", "close_grace: 2s\n  request_head: 2s"));
    }

    @Test
    void aTricklingHeadGets408AndTheEdgeServesOthers() throws Exception {
        try (JettyOrigin origin = new JettyOrigin(); TestEdge edge = edgeWithHeadTimeout(origin.port());
             Socket slow = new Socket("127.0.0.1", edge.port())) {
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            // Well before the limit, so the edge is still reading when the last piece goes out.
            trickle(out, "GET / HT", "TP/1.1\r\n", "Host: loc");
            // meanwhile, a normal client is served
            assertThat(RawHttp.exchange(edge.port(), "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            InputStream in = slow.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // ends when the edge closes
            assertThat(response).startsWith("HTTP/1.1 408").contains("The request head did not arrive in time.");
        }
    }

    @Test
    void aSlowHeadThatArrivesInTimeIsServed() throws Exception {
        try (JettyOrigin origin = new JettyOrigin(); TestEdge edge = edgeWithHeadTimeout(origin.port());
             Socket slow = new Socket("127.0.0.1", edge.port())) {
            slow.setSoTimeout(10_000);
            trickle(slow.getOutputStream(), "GET /hel", "lo HTTP/1.1\r\n", "Host: localhost\r\n", "Connection: close\r\n", "\r\n");
            String response = new String(slow.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello from jetty\n");
        }
    }

    /** Writes each piece on its own, pausing between them. */
    static void trickle(OutputStream out, String... pieces) throws Exception {
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) {
                Thread.sleep(TRICKLE_PAUSE_MS);
            }
            out.write(pieces[i].getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedQuietly() throws Exception {
        try (JettyOrigin origin = new JettyOrigin(); TestEdge edge = edgeWithHeadTimeout(origin.port());
             Socket idle = new Socket("127.0.0.1", edge.port())) {
            idle.setSoTimeout(10_000);
            idle.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(idle.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 200").endsWith("hello from jetty\n"); // nothing after the response
            assertThat(edge.nextLog().edgeResponseStatus()).isEqualTo(200);
        }
    }
}
