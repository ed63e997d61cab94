package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocketPair and WebSocket over the Java API's: what the script's server end sends reaches the
 * client end's transport (as the edge holds it), and what the client sends reaches its listeners.
 */
class WebSocketTest {

    @TempDir
    Path dir;

    /** What the edge would write to the client. */
    final List<String> sent = new CopyOnWriteArrayList<>();

    final WebSocket.Transport transport = new WebSocket.Transport() {
        @Override
        public void send(String text) {
            sent.add("text:" + text);
        }

        @Override
        public void send(byte[] bytes) {
            StringBuilder out = new StringBuilder("binary:");
            for (byte b : bytes) {
                out.append(b & 0xff).append(' ');
            }
            sent.add(out.toString().strip());
        }

        @Override
        public void close(int code, String reason) {
            sent.add("close:" + code + " " + reason);
        }
    };

    static final String WORKER = """
            export default {
              fetch(request) {
                const pair = new WebSocketPair();
                const [client, server] = Object.values(pair);
                const states = [server.readyState, WebSocket.OPEN, client instanceof WebSocket, pair[0] === client];
                server.accept();
                server.accept();
                const off = () => server.send('never');
                server.addEventListener('message', off);
                server.removeEventListener('message', off);
                server.onmessage = (event) => {
                  if (event.data === 'states') server.send(JSON.stringify(states));
                  else if (event.data === 'typed') server.send(new Uint16Array([1, 2, 3, 4]).subarray(1, 3));
                  else if (event.data === 'view') server.send(new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2));
                  else if (event.data === 'blob') { server.binaryType = 'blob'; server.binaryType = 'text'; server.send(`binaryType ${server.binaryType}`); }
                  else if (event.data === 'bad send') { try { server.send(42); } catch (e) { server.send(e.message); } }
                  else if (event.data === 'bad close') { try { server.close(999); } catch (e) { server.send(e.message); } }
                  else if (event.data instanceof ArrayBuffer) server.send(new Uint8Array(event.data).reverse());
                  else if (event.data instanceof Blob) event.data.bytes().then((b) => server.send(`blob ${event.data.size} ${b}`));
                  else server.send('echo ' + event.data);
                };
                server.addEventListener('close', (event) => {
                  try { server.send('late'); } catch (e) { console.log(e.message); }
                  globalThis.closed = `${event.code} ${event.reason} ${event.wasClean} ${event instanceof CloseEvent}`;
                }, { once: true });
                return new Response(null, { status: 101, webSocket: client });
              }
            };
            """;

    @Test
    void aServerEndSendsTextAndEveryKindOfBytesAndHearsTheClient() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        Response r = Scripts.call(worker, new Request("GET", "https://example.com/ws", dev.pier.workers.Headers.of("upgrade", "websocket"),
                null));
        assertThat(r.status()).isEqualTo(101);
        WebSocket client = r.webSocket();
        WebSocket.Host.attach(client, transport);
        for (String message : List.of("states", "typed", "view", "bad send", "bad close", "hi")) {
            WebSocket.Host.received(client, message);
        }
        WebSocket.Host.received(client, new byte[] {1, 2, (byte) 200});
        WebSocket.Host.received(client, "blob");
        WebSocket.Host.received(client, new byte[] {7, 8});
        assertThat(sent).containsExactly(
                "text:[1,1,true,true]",
                "binary:2 0 3 0",
                "binary:8 7",
                "text:send(): number (expected: a string, an ArrayBuffer or an ArrayBuffer view)",
                "text:close(): code: 999 (expected: 1000 to 1003, 1007 to 1014, or 3000 to 4999)",
                "text:echo hi",
                "binary:200 2 1",
                "text:binaryType blob",
                "text:blob 2 7,8");
        sent.clear();
        WebSocket.Host.closed(client, 4000, "bye");
        assertThat(sent).containsExactly("close:4000 bye");
        assertThat(worker.realm().eval("t.js", "globalThis.closed").asString()).isEqualTo("4000 bye true true");
    }
}
