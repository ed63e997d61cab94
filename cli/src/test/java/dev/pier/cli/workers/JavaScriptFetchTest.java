package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.JdkHttpOrigin;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JavaScript Worker's global {@code fetch()} through a real edge, to real origins on this
 * machine (Jetty and the JDK's HttpServer): bodies, methods, redirects, clones, failures and
 * aborts, a streamed origin body passed on, a timer, and WebSockets to Jetty's echo, both bridged
 * by the Worker and handed to the edge as they are.
 */
class JavaScriptFetchTest {

    static final String WORKER = """
            export default {
              async fetch(request, env) {
                const path = new URL(request.url).pathname;
                const jetty = env.JETTY, jdk = env.JDK;
                switch (path) {
                  case '/fetch/hello': {
                    const r = await fetch(jetty + '/hello');
                    const c = r.clone();
                    return new Response(`${r.status} ${r.ok} ${r.headers.get('content-type')} ${await r.text()}|${await c.text()}`);
                  }
                  case '/fetch/post': {
                    const r = await fetch(new Request(jdk + '/method', { method: 'POST', body: JSON.stringify({ a: 1 }),
                      headers: { 'content-type': 'application/json' } }));
                    const echoed = await fetch(jetty + '/body', { method: 'PUT', body: new Uint8Array([104, 105]) });
                    return new Response(`${await r.text()}|${await echoed.text()}`);
                  }
                  case '/fetch/redirects': {
                    const followed = await fetch(jdk + '/redirect?n=3');
                    const manual = await fetch(jdk + '/found', { redirect: 'manual' });
                    let error;
                    try { await fetch(jdk + '/found', { redirect: 'error' }); } catch (e) { error = e.name; }
                    return Response.json([await followed.text(), manual.status, manual.headers.get('location'), error]);
                  }
                  case '/fetch/failures': {
                    const out = [];
                    for (const url of ['http://127.0.0.1:1/', 'ftp://example.com/', 'not a url']) {
                      try { await fetch(url); out.push('no error'); } catch (e) { out.push(`${e.name}: ${e.message}`); }
                    }
                    const missing = await fetch(jdk + '/nothing');
                    out.push(`${missing.status} ${missing.ok}`);
                    return Response.json(out);
                  }
                  case '/fetch/abort': {
                    const started = Date.now();
                    try { await fetch(jdk + '/slow', { signal: AbortSignal.timeout(100) }); return new Response('not aborted'); }
                    catch (e) { return new Response(`${e.name} ${Date.now() - started < 2000}`); }
                  }
                  case '/fetch/stream': {
                    const r = await fetch(jdk + '/trickle');
                    return new Response(r.body, { headers: { 'x-origin-status': String(r.status) } });
                  }
                  case '/fetch/chunks': {
                    const { readable, writable } = new TransformStream();
                    const writer = writable.getWriter();
                    const enc = new TextEncoder();
                    (async () => {
                      await writer.write(enc.encode('first;'));
                      await new Promise((resolve) => setTimeout(resolve, 1500));
                      await writer.write(enc.encode('second;'));
                      await writer.close();
                    })();
                    return new Response(readable, { headers: { 'content-type': 'text/plain' } });
                  }
                  case '/fetch/upload': {
                    const reader = request.body.getReader();
                    let size = 0, chunks = 0;
                    for (let r = await reader.read(); !r.done; r = await reader.read()) { size += r.value.byteLength; chunks++; }
                    return new Response(`${size} bytes in ${chunks > 0} chunks, used ${request.bodyUsed}`);
                  }
                  case '/fetch/timer': {
                    await new Promise((resolve) => setTimeout(resolve, 50));
                    return new Response('after a timer');
                  }
                  case '/fetch/ws-bridge': {
                    const upstream = await fetch(jetty + '/echo', { headers: { Upgrade: 'websocket' } });
                    const origin = upstream.webSocket;
                    if (origin === null) return new Response(`no WebSocket: ${upstream.status}`, { status: 502 });
                    origin.accept();
                    const [client, server] = Object.values(new WebSocketPair());
                    server.accept();
                    server.addEventListener('message', (e) => origin.send(e.data));
                    origin.addEventListener('message', (e) => server.send(typeof e.data === 'string' ? 'origin: ' + e.data : e.data));
                    server.addEventListener('close', (e) => origin.close(e.code, e.reason));
                    origin.addEventListener('close', (e) => server.close(e.code, e.reason));
                    return new Response(null, { status: 101, webSocket: client });
                  }
                  case '/fetch/ws-through':
                    return fetch(jetty + '/echo', { headers: { Upgrade: 'websocket' } });
                  case '/fetch/ws-refused': {
                    const r = await fetch(jetty + '/hello', { headers: { Upgrade: 'websocket' } });
                    return new Response(`${r.status} ${r.webSocket}`);
                  }
                }
                return new Response('no route', { status: 404 });
              }
            };
            """;

    static JettyOrigin jetty;
    static JdkHttpOrigin jdk;

    @TempDir
    Path dir;
    WorkersNode node;
    TestEdge edge;

    @BeforeAll
    static void origins() throws Exception {
        jetty = new JettyOrigin();
        jdk = JdkHttpOrigin.start();
    }

    @AfterAll
    static void stopOrigins() throws Exception {
        jetty.close();
        jdk.close();
    }

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("worker.js"), WORKER);
        String yaml = """
                listeners:
                  - address: 127.0.0.1:0
                timeouts:
                  origin_connect: 2s
                  origin_response: 3s
                workers:
                  - { name: fetcher, main_module: %s, vars: { JETTY: "http://127.0.0.1:%d", JDK: "http://127.0.0.1:%d" } }
                zones:
                  - name: localhost
                    settings:
                      websockets: on
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/fetch/*", script: fetcher }
                """.formatted(dir.resolve("worker.js"), jetty.port(), jdk.port());
        node = WorkersNode.javaScript(yaml, null);
        edge = node.edge;
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void fetchReadsAnOriginsAnswerAndClonesIt() throws Exception {
        assertThat(get("/fetch/hello").body()).isEqualTo("200 true text/plain hello from jetty\n|hello from jetty\n");
    }

    @Test
    void fetchSendsMethodsBodiesAndHeaders() throws Exception {
        assertThat(get("/fetch/post").body()).isEqualTo("POST 7 application/json|hi");
    }

    @Test
    void fetchFollowsRedirectsOrHandsThemOverOrFailsOnThemAsAsked() throws Exception {
        assertThat(get("/fetch/redirects").body()).isEqualTo("[\"arrived\",302,\"/method\",\"TypeError\"]");
    }

    @Test
    void fetchRejectsWithATypeErrorThatSaysWhyAndAnOriginsErrorStatusIsAResponse() throws Exception {
        String body = get("/fetch/failures").body();
        assertThat(body).startsWith("[\"TypeError: fetch(http://127.0.0.1:1/): ")
                .contains("\"TypeError: fetch: ftp: URL 'ftp://example.com/' (expected: http: or https:)\"")
                .contains("\"TypeError: Invalid URL: 'not a url'")
                .endsWith("\"404 false\"]");
    }

    @Test
    void anAbortSignalRejectsAFetchWithItsReason() throws Exception {
        assertThat(get("/fetch/abort").body()).isEqualTo("TimeoutError true");
    }

    @Test
    void anOriginsBodyStreamIsAWorkersResponseBody() throws Exception {
        HttpResponse<String> r = get("/fetch/stream");
        assertThat(r.body()).isEqualTo("part0;part1;part2;part3;part4;");
        assertThat(r.headers().firstValue("x-origin-status")).hasValue("200");
    }

    @Test
    void aStreamedResponseReachesTheClientChunkByChunkAsTheWorkerWritesIt() throws Exception {
        long sent = System.nanoTime();
        HttpResponse<java.io.InputStream> r = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http("/fetch/chunks"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-length")).isEmpty();
        try (java.io.InputStream in = r.body()) {
            byte[] first = in.readNBytes(6);
            long firstAt = System.nanoTime();
            byte[] rest = in.readAllBytes();
            long endAt = System.nanoTime();
            assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("first;");
            assertThat(new String(rest, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("second;");
            // The first chunk came while the Worker still waited for its timer: well before the body ended.
            assertThat(java.time.Duration.ofNanos(endAt - firstAt)).isGreaterThan(java.time.Duration.ofMillis(1000));
            assertThat(java.time.Duration.ofNanos(endAt - sent)).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(1500));
        }
        assertThat(edge.nextLog().workerStatus()).isEqualTo("ok");
    }

    @Test
    void aRequestBodyIsAStreamTheWorkerReads() throws Exception {
        HttpResponse<String> r = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http("/fetch/upload")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100_000])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("100000 bytes in true chunks, used true");
    }

    @Test
    void aTimerRunsOnTheEdgesLoopAndItsRequestWaitsForIt() throws Exception {
        assertThat(get("/fetch/timer").body()).isEqualTo("after a timer");
    }

    @Test
    void aWorkerBridgesAClientsWebSocketToAnOriginsItOpenedWithFetch() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/fetch/ws-bridge"));
        for (int i = 0; i < 20; i++) {
            client.socket.sendText("m" + i, true).join();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(client.next()).isEqualTo("text:origin: m" + i);
        }
        client.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        assertThat(client.nextBinary()).isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        client.socket.sendText("close 4002 done", true).join();
        assertThat(client.next()).isEqualTo("close:4002 done");
    }

    @Test
    void aWebSocketResponseOfFetchReturnedAsItIsJoinsTheClientToTheOrigin() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/fetch/ws-through"));
        client.socket.sendText("straight", true).join();
        assertThat(client.next()).isEqualTo("text:straight");
        client.socket.sendClose(1000, "").join();
        assertThat(client.next()).isEqualTo("close:1000 ");
        assertThat(get("/fetch/ws-refused").body()).isEqualTo("200 null");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return node.get(path);
    }
}
