package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.Certificates;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestTls;
import dev.pier.edge.support.WsClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JavaScript Worker's {@code new WebSocket(url)} through a real edge to Jetty's echo origin: it
 * opens with the subprotocol the origin chose, carries text and bytes (as Blobs when asked), hears
 * the origin's close; a client's WebSocket bridged to one; an origin that refuses or is not there.
 * And {@code request.cf} as the edge fills it, over plain HTTP and over TLS.
 */
class JavaScriptWebSocketClientTest {

    static final String WORKER = """
            import { DurableObject } from "cloudflare:workers";
            const next = (ws, type) => new Promise((resolve) => ws.addEventListener(type, resolve, { once: true }));
            const failed = (ws) => new Promise((resolve) => {
              const seen = [];
              ws.addEventListener('error', (e) => seen.push(e.message));
              ws.addEventListener('close', (e) => { seen.push(`${e.code} ${e.wasClean} ${ws.readyState}`); resolve(seen); });
            });
            // An object's events run one at a time, each to its end (docs/WORKERS.md): its WebSocket's events come after the
            // request that opened it, so the request answers at once and the events are seen by the requests after it
            export class Relay extends DurableObject {
              seen = [];
              async fetch(request) {
                const path = new URL(request.url).pathname;
                if (path === '/client/object') {
                  this.ws = new WebSocket(this.env.ORIGIN + '/echo');
                  this.ws.onopen = () => this.ws.send('from the object');
                  this.ws.onmessage = (e) => { this.seen.push(e.data); this.ws.close(1000, 'bye'); };
                  this.ws.onclose = (e) => this.seen.push(`${e.code} ${e.reason} ${e.wasClean}`);
                  let refused;
                  try { this.ctx.acceptWebSocket(this.ws); } catch (e) { refused = `${e.name}: ${e.message}`; }
                  return Response.json({ cf: request.cf ?? null, state: this.ws.readyState, refused });
                }
                return Response.json(this.seen);
              }
            }
            export default {
              async fetch(request, env) {
                const path = new URL(request.url).pathname;
                switch (path) {
                  case '/client/echo': {
                    const ws = new WebSocket(env.ORIGIN + '/echo', ['chat']);
                    const out = [ws.readyState];
                    await next(ws, 'open');
                    out.push(ws.readyState, ws.protocol, ws.extensions);
                    for (let i = 0; i < 3; i++) ws.send('m' + i);
                    for (let i = 0; i < 3; i++) out.push((await next(ws, 'message')).data);
                    ws.binaryType = 'blob';
                    ws.send(new Uint8Array([1, 2, 3]));
                    const blob = (await next(ws, 'message')).data;
                    out.push(`${blob instanceof Blob} ${[...await blob.bytes()]}`);
                    const closed = next(ws, 'close');
                    ws.send('close 4002 done');
                    const e = await closed;
                    out.push(`${e.code} ${e.reason} ${e.wasClean} ${ws.readyState}`);
                    return Response.json(out);
                  }
                  case '/client/bridge': {
                    const [client, server] = Object.values(new WebSocketPair());
                    server.accept();
                    const origin = new WebSocket(env.ORIGIN + '/echo');
                    const waiting = [];
                    origin.addEventListener('open', () => { for (const m of waiting.splice(0)) origin.send(m); });
                    server.addEventListener('message', (e) => origin.readyState === WebSocket.OPEN ? origin.send(e.data) : waiting.push(e.data));
                    origin.addEventListener('message', (e) => server.send(typeof e.data === 'string' ? 'origin: ' + e.data : e.data));
                    server.addEventListener('close', (e) => { if (origin.readyState === WebSocket.OPEN) origin.close(e.code, e.reason); });
                    origin.addEventListener('close', (e) => { if (server.readyState === WebSocket.OPEN) server.close(e.code, e.reason); });
                    return new Response(null, { status: 101, webSocket: client });
                  }
                  case '/client/refused':
                    return Response.json(await failed(new WebSocket(env.ORIGIN + '/hello')));
                  case '/client/nobody':
                    return Response.json(await failed(new WebSocket('ws://127.0.0.1:1/')));
                  case '/client/cf':
                    return Response.json(request.cf ?? null);
                  case '/client/object':
                  case '/client/object/seen':
                    return env.RELAY.getByName('a').fetch(request);
                }
                return new Response('no route', { status: 404 });
              }
            };
            """;

    static JettyOrigin jetty;

    @TempDir
    Path dir;
    /** The TLS listener's certificate, which the test's client trusts. */
    Certificates.SelfSigned certificate;

    @BeforeAll
    static void origin() throws Exception {
        jetty = new JettyOrigin();
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        jetty.close();
    }

    /** A node whose one listener is plain, or TLS with a self-signed certificate for localhost. */
    WorkersNode node(boolean tls) throws Exception {
        Files.writeString(dir.resolve("worker.js"), WORKER);
        String certificates = "";
        if (tls) {
            certificate = TestTls.write(dir, "edge", "localhost");
            certificates = "    certificates:\n      - { certificate: %s, key: %s }\n".formatted(dir.resolve("edge.pem"), dir.resolve("edge.key"));
        }
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                %s
                timeouts:
                  origin_connect: 2s
                workers:
                  - name: client
                    main_module: %s
                    vars: { ORIGIN: "ws://127.0.0.1:%d" }
                    durable_objects:
                      - { binding: RELAY, class: Relay }
                durable_objects:
                  storage: %s
                zones:
                  - name: localhost
                    settings:
                      websockets: on
                %s    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/client/*", script: client }
                """.formatted(tls ? "    tls: on" : "", dir.resolve("worker.js"), jetty.port(), dir.resolve("objects"), certificates);
        return WorkersNode.javaScript(yaml, null);
    }

    @Test
    void aWorkersWebSocketToAnOriginOpensWithTheChosenSubprotocolCarriesMessagesAndHearsTheOriginsClose() throws Exception {
        try (WorkersNode node = node(false)) {
            assertThat(node.get("/client/echo").body())
                    .isEqualTo("[0,1,\"chat\",null,\"m0\",\"m1\",\"m2\",\"true 1,2,3\",\"4002 done true 2\"]");
            assertThat(node.edge.nextLog().workerStatus()).isEqualTo("ok");
        }
    }

    @Test
    void aWorkerBridgesAClientsWebSocketToOneItOpenedWithNewWebSocket() throws Exception {
        try (WorkersNode node = node(false)) {
            WsClient client = WsClient.connect(node.edge.ws("/client/bridge"));
            for (int i = 0; i < 20; i++) {
                client.socket.sendText("m" + i, true).join(); // the first ones before the origin answered: the Worker holds them
            }
            for (int i = 0; i < 20; i++) {
                assertThat(client.next()).isEqualTo("text:origin: m" + i);
            }
            client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
            assertThat(client.nextBinary()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            client.socket.sendText("close 4002 done", true).join();
            assertThat(client.next()).isEqualTo("close:4002 done");
        }
    }

    @Test
    void anOriginThatRefusesOrIsNotThereGivesAnErrorEventAndAClose1006() throws Exception {
        try (WorkersNode node = node(false)) {
            assertThat(node.get("/client/refused").body()).isEqualTo("[\"Failed to establish the WebSocket connection: expected server"
                    + " to reply with HTTP status code 101 (switching protocols), but received 200 instead.\",\"1006 false 3\"]");
            assertThat(node.get("/client/nobody").body()).startsWith("[\"WebSocket connection to ws://127.0.0.1:1/ failed: GET http://127.0.0.1:1/: ")
                    .endsWith("\",\"1006 false 3\"]");
        }
    }

    @Test
    void requestCfOverPlainHttpHasTheColoTheHttpVersionAndTheKernelsRoundTripTimeAndNoTls() throws Exception {
        try (WorkersNode node = node(false)) {
            assertThat(node.get("/client/cf").body()).matches("\\{\"colo\":\"PIER\",\"httpProtocol\":\"HTTP/1.1\",\"clientTcpRtt\":\\d+}");
        }
    }

    @Test
    void aDurableObjectOpensAWebSocketToAnOriginAndGetsTheRequestCfTheWorkerPassedIt() throws Exception {
        try (WorkersNode node = node(false)) {
            String opened = node.get("/client/object").body();
            assertThat(opened).matches("\\{\"cf\":\\{\"colo\":\"PIER\",\"httpProtocol\":\"HTTP/1.1\",\"clientTcpRtt\":\\d+},\"state\":0,.*");
            assertThat(opened).endsWith("\"refused\":\"TypeError: acceptWebSocket: a WebSocket new WebSocket(url) made, still connecting"
                    + " (expected: the server end of a WebSocketPair)\"}");
            String seen = "";
            for (long until = System.nanoTime() + 20_000_000_000L; System.nanoTime() < until && !seen.contains("bye"); Thread.sleep(100)) {
                seen = node.get("/client/object/seen").body();
            }
            assertThat(seen).isEqualTo("[\"from the object\",\"1000 bye true\"]");
        }
    }

    @Test
    void requestCfOverTlsHasTheConnectionsTlsVersionAndCipherAsCloudflareNamesThem() throws Exception {
        try (WorkersNode node = node(true)) {
            String body = https(node, "/client/cf");
            assertThat(body).matches("\\{\"colo\":\"PIER\",\"httpProtocol\":\"HTTP/1.1\",\"tlsVersion\":\"TLSv1.3\","
                    + "\"tlsCipher\":\"AEAD-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305-SHA256)\",\"clientTcpRtt\":\\d+}");
        }
    }

    /** The body of one HTTPS request to the node, with SNI localhost (the JDK sends none for a name without a dot). */
    String https(WorkersNode node, String path) throws Exception {
        SSLContext context = TestTls.trusting(certificate.certificate());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", node.edge.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("localhost")));
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
