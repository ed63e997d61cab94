package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.workers.Fetch;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code new WebSocket(url, protocols)} as Cloudflare's runtime has it: a subrequest that upgrades
 * to the origin (ws becomes http, wss https, user info dropped, the subprotocols offered), CONNECTING
 * until the origin's 101, then accepted with an open event; send before that throws; an origin
 * that refuses, or a close() before the answer, gives an error event and a close with 1006. The
 * origin here is the Java API's own WebSocket (the edge's end of a fetch's pair), answering on a
 * thread of its own as a connection's event loop would; JavaScriptFetchTest in cli runs the same
 * against Jetty through a real edge.
 */
class OutboundWebSocketTest {

    static final String WORKER = """
            const next = (ws, type) => new Promise((resolve) => ws.addEventListener(type, resolve, { once: true }));
            const closed = (ws) => new Promise((resolve) => {
              const seen = [];
              ws.addEventListener('error', (e) => seen.push(`error ${e.message}`));
              ws.addEventListener('close', (e) => { seen.push(`close ${e.code} ${e.reason} ${e.wasClean}`); resolve(seen); });
            });
            export default {
              async fetch(request) {
                const path = new URL(request.url).pathname;
                if (path === '/echo') {
                  const ws = new WebSocket('ws://user:secret@origin.example:8080/echo?x=1', ['chat', 'superchat']);
                  const out = [ws.readyState, ws.url, ws.protocol, ws.extensions, ws.binaryType];
                  try { ws.send('early'); } catch (e) { out.push(`${e.name}: ${e.message}`); }
                  try { ws.accept(); } catch (e) { out.push(e.name); }
                  await new Promise((resolve) => { ws.onopen = (e) => { out.push(`${e.type} ${ws.readyState}`); resolve(); }; });
                  out.push(ws.protocol, ws.extensions);
                  ws.accept();
                  ws.send('hello');
                  out.push((await next(ws, 'message')).data);
                  ws.binaryType = 'blob';
                  ws.send(new Uint8Array([1, 2, 3]));
                  const blob = (await next(ws, 'message')).data;
                  out.push(`${blob instanceof Blob} ${blob.size} ${[...await blob.bytes()]}`);
                  ws.binaryType = 'BLOB';
                  out.push(ws.binaryType);
                  ws.binaryType = 'arraybuffer';
                  ws.send(new Uint8Array([4, 5]));
                  const bytes = (await next(ws, 'message')).data;
                  out.push(`${bytes instanceof ArrayBuffer} ${[...new Uint8Array(bytes)]}`);
                  const end = next(ws, 'close');
                  ws.close(4001, 'done');
                  out.push(ws.readyState);
                  const e = await end;
                  out.push(`${e.code} ${e.reason} ${e.wasClean} ${ws.readyState}`);
                  return Response.json(out);
                }
                if (path === '/refused') {
                  const ws = new WebSocket('wss://origin.example/refuse');
                  const seen = await closed(ws);
                  ws.send('ignored');
                  return Response.json([...seen, ws.readyState, ws.protocol]);
                }
                if (path === '/abandoned') {
                  const ws = new WebSocket('ws://origin.example/echo');
                  let opened = false;
                  ws.onopen = () => { opened = true; };
                  const events = closed(ws);
                  ws.close();
                  const state = ws.readyState;
                  const seen = await events;
                  await new Promise((resolve) => setTimeout(resolve, 50));
                  return Response.json([state, ...seen, ws.readyState, opened]);
                }
                if (path === '/returned') {
                  return new Response(null, { status: 101, webSocket: new WebSocket('ws://origin.example/echo') });
                }
                if (path === '/two') {
                  const first = new WebSocket('ws://origin.example/echo');
                  try { new WebSocket('ws://origin.example/echo'); return new Response('no limit'); } catch (e) { return new Response(`${e.name}: ${e.message}`); }
                }
                if (path === '/fetch-cf') {
                  const r = await fetch('https://origin.example/plain', { cf: { cacheTtl: 60, cacheEverything: true } });
                  return new Response(`${r.status} ${await r.text()}`);
                }
                return new Response('no route', { status: 404 });
              }
            };
            """;

    @TempDir
    Path dir;
    /** The origin's connection: one thread, as an event loop. */
    final ExecutorService originLoop = Executors.newSingleThreadExecutor();
    /** Each request the origin got: method, URL and the subprotocols offered. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** The close frames the origin got, as "code reason". */
    final BlockingQueue<String> originCloses = new LinkedBlockingQueue<>();

    final Fetch.Host origin = (request, redirect) -> {
        String offered = request.headers().get("sec-websocket-protocol");
        requests.add(request.method() + " " + request.url() + " " + request.headers().get("upgrade") + " " + offered);
        if (!request.isWebSocketUpgrade()) {
            return CompletableFuture.supplyAsync(() -> new Response("plain"), originLoop);
        }
        if (request.url().endsWith("/refuse")) {
            return CompletableFuture.supplyAsync(() -> new Response("not here".getBytes(), 403, null, new Headers(), null), originLoop);
        }
        WebSocketPair pair = new WebSocketPair(); // made on the caller's thread, as the edge's fetch makes it
        return CompletableFuture.supplyAsync(() -> {
            WebSocket.Host.attach(pair.client(), new Echo(pair.client()));
            Headers headers = new Headers();
            if (offered != null && offered.contains("chat")) {
                headers.set("sec-websocket-protocol", "chat");
            }
            return new Response(null, 101, null, headers, pair.server());
        }, originLoop);
    };

    /** The origin's side: echoes each message, answers a close, each on the origin's thread. */
    final class Echo implements WebSocket.Transport {
        private final WebSocket end;

        Echo(WebSocket end) {
            this.end = end;
        }

        @Override
        public void send(String text) {
            originLoop.execute(() -> WebSocket.Host.received(end, text));
        }

        @Override
        public void send(byte[] bytes) {
            originLoop.execute(() -> WebSocket.Host.received(end, bytes));
        }

        @Override
        public void close(int code, String reason) {
            originCloses.add(code + " " + reason);
            originLoop.execute(() -> WebSocket.Host.closed(end, code, reason));
        }
    }

    @BeforeEach
    void install() {
        Fetch.Host.install(origin);
    }

    @AfterEach
    void uninstall() {
        Fetch.Host.uninstall(origin);
        originLoop.shutdownNow();
    }

    String call(JsWorker worker, String path) throws Exception {
        return Scripts.get(worker, "https://worker.example" + path).text();
    }

    @Test
    void aWebSocketToAnOriginConnectsOpensEchoesTextBytesAndBlobsAndClosesCleanly() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        assertThat(call(worker, "/echo")).isEqualTo("[0,\"ws://user:secret@origin.example:8080/echo?x=1\",\"\",\"\",\"arraybuffer\","
                + "\"TypeError: send(): this WebSocket is still connecting (expected: send once its open event came)\",\"TypeError\","
                + "\"open 1\",\"chat\",null,\"hello\",\"true 3 1,2,3\",\"blob\",\"true 4,5\",2,\"4001 done true 3\"]");
        assertThat(requests).containsExactly("GET http://origin.example:8080/echo?x=1 websocket chat, superchat");
        assertThat(originCloses.poll(5, TimeUnit.SECONDS)).isEqualTo("4001 done");
    }

    @Test
    void anOriginThatRefusesTheUpgradeGivesAnErrorEventThenAClose1006() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        assertThat(call(worker, "/refused")).isEqualTo("[\"error Failed to establish the WebSocket connection: expected server to reply"
                + " with HTTP status code 101 (switching protocols), but received 403 instead.\","
                + "\"close 1006 Failed to establish websocket connection false\",3,\"\"]");
        assertThat(requests).containsExactly("GET https://origin.example/refuse websocket null");
    }

    @Test
    void closeBeforeTheOriginAnsweredFailsTheSocketAfterTheCallAndClosesWhatTheOriginOpened() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        assertThat(call(worker, "/abandoned")).isEqualTo("[2,\"error Called close before connection was established.\","
                + "\"close 1006 Failed to establish websocket connection false\",3,false]");
        assertThat(originCloses.poll(5, TimeUnit.SECONDS)).isEqualTo("1000 ");
    }

    @Test
    void aWebSocketTheWorkerOpenedCannotBeItsAnswer() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        assertThatThrownBy(() -> call(worker, "/returned")).hasRootCauseInstanceOf(ScriptError.class)
                .rootCause().hasMessageContaining("a WebSocket made with new WebSocket(url) cannot be returned in a Response");
    }

    @Test
    void eachWebSocketCountsAsASubrequest() throws Exception {
        Scripts.write(dir, Map.of("worker.js", WORKER));
        JsWorker worker = (JsWorker) JsWorkers.load("ws", dir.resolve("worker.js"), new JsLimits(30_000, JsLimits.DEFAULT.memoryBytes(), 1));
        assertThat(call(worker, "/two")).isEqualTo("Error: Too many subrequests.");
        assertThat(requests).hasSize(1);
    }

    @Test
    void fetchAcceptsCloudflaresCfOptionsAndIgnoresThem() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        assertThat(call(worker, "/fetch-cf")).isEqualTo("200 plain");
        assertThat(requests).containsExactly("GET https://origin.example/plain null null");
    }

    @Test
    void theConstructorRefusesWhatTheStandardRefusesWithASyntaxError() {
        JsConsole js = new JsConsole(dir);
        assertThat(js.eval("new WebSocket('not a url')")).isEqualTo("SyntaxError: WebSocket Constructor: The url is invalid.");
        assertThat(js.eval("new WebSocket('https://example.com/')")).isEqualTo("SyntaxError: WebSocket Constructor: The url scheme must be ws or wss.");
        assertThat(js.eval("new WebSocket('wss://example.com/#top')")).isEqualTo("SyntaxError: WebSocket Constructor: The url fragment must be empty.");
        assertThat(js.eval("new WebSocket('wss://example.com/#')")).isEqualTo("SyntaxError: WebSocket Constructor: The url fragment must be empty.");
        assertThat(js.eval("new WebSocket('wss://example.com/', 'two words')"))
                .isEqualTo("SyntaxError: WebSocket Constructor: The protocol 'two words' is not a token (RFC 6455).");
        assertThat(js.eval("new WebSocket('wss://example.com/', ['chat', 'chat'])"))
                .isEqualTo("SyntaxError: WebSocket Constructor: The protocols repeat 'chat'.");
        assertThat(js.eval("(() => { try { new WebSocket('ws://x/', ''); } catch (e) { return e instanceof DOMException && e.code === 12; } })()"))
                .isEqualTo("true");
        assertThat(js.eval("new WebSocket()")).startsWith("TypeError: WebSocket: a url is required");
    }
}
