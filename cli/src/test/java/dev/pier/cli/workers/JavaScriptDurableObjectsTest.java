package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.objects.LiveObjects;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable Objects written in JavaScript through a real edge and the Java runtime: a counter whose
 * storage survives a restart of the node, storage values of every structured-clone type, SQL,
 * transactions, alarms, a throwing constructor, and the example rooms (examples/workers-js/rooms):
 * a chat room with hibernation (broadcast, eviction, wake-up with tags and attachments) and a
 * hibernating echo object with an auto-response.
 */
class JavaScriptDurableObjectsTest {

    static final Path ROOMS = Path.of("../examples/workers-js/rooms/worker.js").toAbsolutePath().normalize();

    static final String COUNTER = """
            import { DurableObject } from "cloudflare:workers";

            export class Counter extends DurableObject {
              async fetch(request) {
                const url = new URL(request.url);
                const op = url.pathname.split('/')[3] ?? '';
                const s = this.ctx.storage;
                if (op === '') {
                  const n = ((await s.get('n')) ?? 0) + 1;
                  await s.put('n', n);
                  return new Response(String(n));
                }
                if (op === 'types') {
                  const shared = { x: 1 };
                  const value = { s: 'é', n: -0, big: 12345678901234567890n, nan: NaN, u: undefined, d: new Date(1700000000000),
                    m: new Map([[1, 'one'], ['k', [1, 2]]]), set: new Set(['a', 'b']), buf: new Uint8Array([1, 2, 255]).buffer,
                    view: new Int16Array([-1, 300]), re: /a+b/gi, arr: [shared, shared], nested: { deep: [true, null] } };
                  value.self = value;
                  await s.put('value', value);
                  const v = await s.get('value');
                  return Response.json({
                    s: v.s, negZero: Object.is(v.n, -0), big: typeof v.big === 'bigint' && v.big === 12345678901234567890n,
                    nan: Number.isNaN(v.nan), hasU: 'u' in v && v.u === undefined, date: v.d instanceof Date && v.d.getTime(),
                    map: v.m instanceof Map && v.m.get(1) === 'one' && v.m.get('k')[1] === 2, set: v.set instanceof Set && v.set.has('b'),
                    buf: v.buf instanceof ArrayBuffer && Array.from(new Uint8Array(v.buf)), view: v.view instanceof Int16Array && Array.from(v.view),
                    re: v.re instanceof RegExp && v.re.flags, shared: v.arr[0] === v.arr[1], circular: v.self === v,
                    nested: v.nested.deep,
                  });
                }
                if (op === 'many') {
                  await s.put({ 'a:1': 1, 'a:2': 2, 'a:3': 3, 'b:1': 'x' });
                  const got = await s.get(['a:2', 'missing', 'a:1']);
                  const listed = await s.list({ prefix: 'a:', reverse: true, limit: 2 });
                  const range = await s.list({ start: 'a:2', end: 'b:1' });
                  const deleted = await s.delete(['a:1', 'nope']);
                  const one = await s.delete('a:2');
                  return Response.json({ got: [...got], listed: [...listed.keys()], range: [...range.keys()], deleted, one,
                    mapType: got instanceof Map });
                }
                if (op === 'txn') {
                  await s.put('t', 'before');
                  try {
                    await s.transaction(async (txn) => {
                      await txn.put('t', 'inside');
                      await txn.get('t');
                      throw new Error('undo');
                    });
                  } catch (e) { }
                  const afterThrow = await s.get('t');
                  await s.transaction(async (txn) => {
                    await txn.put('t', 'rolled');
                    txn.rollback();
                  });
                  const afterRollback = await s.get('t');
                  const kept = await s.transaction(async (txn) => { await txn.put('t', 'kept'); return 'value'; });
                  return Response.json({ afterThrow, afterRollback, kept, now: await s.get('t') });
                }
                if (op === 'sql') {
                  const sql = s.sql;
                  sql.exec('CREATE TABLE IF NOT EXISTS msgs (id INTEGER PRIMARY KEY, body TEXT, data BLOB, score REAL)');
                  const ins = sql.exec('INSERT INTO msgs (body, data, score) VALUES (?, ?, ?), (?, ?, ?)', 'hi', new Uint8Array([7, 8]), 1.5,
                    'yo', null, 2);
                  const cursor = sql.exec('SELECT id, body, data, score FROM msgs ORDER BY id');
                  const rows = cursor.toArray();
                  const raw = sql.exec('SELECT body FROM msgs ORDER BY id').raw().toArray();
                  let oneError = '';
                  try { sql.exec('SELECT * FROM msgs').one(); } catch (e) { oneError = e.message; }
                  let iterated = 0;
                  for (const row of sql.exec('SELECT id FROM msgs')) iterated += row.id;
                  let bad = '';
                  try { sql.exec('SELEC nonsense'); } catch (e) { bad = e.constructor.name; }
                  return Response.json({ written: ins.rowsWritten, columns: cursor.columnNames, read: cursor.rowsRead,
                    first: { id: rows[0].id, body: rows[0].body, data: Array.from(new Uint8Array(rows[0].data)), score: rows[0].score },
                    second: rows[1].data, raw, oneError, iterated,
                    count: sql.exec('SELECT count(*) AS c FROM msgs').one().c, bad });
                }
                if (op === 'alarm') {
                  await s.setAlarm(Date.now() + 300);
                  return new Response(String((await s.getAlarm()) > Date.now()));
                }
                if (op === 'alarms') {
                  return Response.json({ rang: (await s.get('rang')) ?? 0, alarm: await s.getAlarm(), retry: await s.get('retry') });
                }
                if (op === 'id') {
                  const ns = this.env.COUNTERS;
                  const id = ns.idFromName('x');
                  return Response.json({ mine: this.ctx.id.toString(), name: this.ctx.id.name ?? null, same: id.equals(ns.idFromString(id.toString())),
                    unique: ns.newUniqueId().toString().length });
                }
                return new Response('no such op', { status: 404 });
              }

              async alarm(info) {
                await this.ctx.storage.put('rang', ((await this.ctx.storage.get('rang')) ?? 0) + 1);
                await this.ctx.storage.put('retry', info.retryCount);
              }
            }

            export class Fragile {
              constructor(state, env) {
                this.state = state;
                if (state.id.name.startsWith('broken')) throw new Error('this one never constructs');
                state.blockConcurrencyWhile(async () => { this.n = (await state.storage.get('n')) ?? 0; });
              }
              async fetch(request) {
                if (request.url.endsWith('/throw')) {
                  await this.state.storage.put('n', 100);
                  throw new Error('thrown after a write');
                }
                this.n++;
                await this.state.storage.put('n', this.n);
                return new Response(`n ${this.n}`);
              }
            }

            export default {
              async fetch(request, env) {
                const url = new URL(request.url);
                const [, kind, name] = url.pathname.split('/');
                const ns = kind === 'fragile' ? env.FRAGILE : env.COUNTERS;
                return ns.get(ns.idFromName(name)).fetch(request);
              },
            };
            """;

    @TempDir
    Path dir;
    WorkersNode node;
    TestEdge edge;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    String yaml() {
        return """
                listeners:
                  - address: 127.0.0.1:0
                workers:
                  - name: counter
                    main_module: %1$s/counter/worker.js
                    durable_objects:
                      - { binding: COUNTERS, class: Counter }
                      - { binding: FRAGILE, class: Fragile }
                  - name: rooms
                    main_module: %2$s
                    durable_objects:
                      - { binding: ECHO, class: EchoObject }
                      - { binding: ROOMS, class: ChatRoom }
                durable_objects:
                  storage: durable-objects
                  hibernate_after: 300ms
                zones:
                  - name: localhost
                    settings:
                      websockets: on
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    workers_routes:
                      - { pattern: "localhost/counter/*", script: counter }
                      - { pattern: "localhost/fragile/*", script: counter }
                      - { pattern: "localhost/echo/*", script: rooms }
                      - { pattern: "localhost/chat/*", script: rooms }
                """.formatted(dir, ROOMS);
    }

    void start() throws Exception {
        Files.createDirectories(dir.resolve("counter"));
        Files.writeString(dir.resolve("counter/worker.js"), COUNTER);
        node = WorkersNode.javaScript(yaml(), dir.resolve("objects"));
        edge = node.edge;
    }

    void restart() throws Exception {
        node.close();
        start();
    }

    @Test
    void aCounterKeepsItsCountAcrossARestartOfTheNode() throws Exception {
        start();
        assertThat(get("/counter/a").body()).isEqualTo("1");
        assertThat(get("/counter/a").body()).isEqualTo("2");
        assertThat(get("/counter/b").body()).isEqualTo("1");
        restart();
        assertThat(get("/counter/a").body()).isEqualTo("3");
        assertThat(get("/counter/b").body()).isEqualTo("2");
    }

    @Test
    void storedValuesComeBackAsTheTypesTheyWere() throws Exception {
        start();
        HttpResponse<String> r = get("/counter/t/types");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"s\":\"é\",\"negZero\":true,\"big\":true,\"nan\":true,\"hasU\":true,\"date\":1700000000000,"
                + "\"map\":true,\"set\":true,\"buf\":[1,2,255],\"view\":[-1,300],\"re\":\"gi\",\"shared\":true,\"circular\":true,"
                + "\"nested\":[true,null]}");
    }

    @Test
    void getPutDeleteAndListTakeManyKeysAndAnswerMaps() throws Exception {
        start();
        HttpResponse<String> r = get("/counter/m/many");
        assertThat(r.body()).isEqualTo("{\"got\":[[\"a:2\",2],[\"a:1\",1]],\"listed\":[\"a:3\",\"a:2\"],\"range\":[\"a:2\",\"a:3\"],"
                + "\"deleted\":1,\"one\":true,\"mapType\":true}");
    }

    @Test
    void aTransactionThatThrowsOrRollsBackKeepsNothing() throws Exception {
        start();
        assertThat(get("/counter/x/txn").body())
                .isEqualTo("{\"afterThrow\":\"before\",\"afterRollback\":\"before\",\"kept\":\"value\",\"now\":\"kept\"}");
    }

    @Test
    void sqlRunsWithBindingsAndItsCursor() throws Exception {
        start();
        HttpResponse<String> r = get("/counter/q/sql");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"written\":2,\"columns\":[\"id\",\"body\",\"data\",\"score\"],\"read\":2,"
                + "\"first\":{\"id\":1,\"body\":\"hi\",\"data\":[7,8],\"score\":1.5},\"second\":null,\"raw\":[[\"hi\"],[\"yo\"]],"
                + "\"oneError\":\"Expected exactly one result from SQL query, but got multiple results.\",\"iterated\":3,\"count\":2,"
                + "\"bad\":\"Error\"}");
    }

    @Test
    void anAlarmGoesOffAndIsDeleted() throws Exception {
        start();
        assertThat(get("/counter/al/alarm").body()).isEqualTo("true");
        await(() -> {
            try {
                return get("/counter/al/alarms").body().contains("\"rang\":1");
            } catch (Exception e) {
                return false;
            }
        }, "the alarm rang");
        assertThat(get("/counter/al/alarms").body()).isEqualTo("{\"rang\":1,\"alarm\":null,\"retry\":0}");
    }

    @Test
    void idsAreTheNamespacesOwn() throws Exception {
        start();
        String body = get("/counter/who/id").body();
        assertThat(body).contains("\"name\":\"who\"").contains("\"same\":true").contains("\"unique\":64");
    }

    @Test
    void aThrowingConstructorResetsTheObjectAndAThrowingEventFailsAlone() throws Exception {
        start();
        assertThat(get("/fragile/broken").statusCode()).isEqualTo(500);
        assertThat(get("/fragile/broken").statusCode()).as("constructed again, and it throws again").isEqualTo(500);
        assertThat(node.namespace("counter.FRAGILE").metrics().resets()).isEqualTo(2);
        assertThat(get("/fragile/f").body()).isEqualTo("n 1");
        assertThat(get("/fragile/f").body()).isEqualTo("n 2");
        assertThat(node.namespace("counter.FRAGILE").metrics().constructions()).isEqualTo(1);
        assertThat(get("/fragile/f/throw").statusCode()).as("the Worker does not catch the object's exception").isEqualTo(500);
        assertThat(get("/fragile/f").body()).as("the same instance, its count in memory").isEqualTo("n 3");
        assertThat(node.namespace("counter.FRAGILE").metrics().constructions()).isEqualTo(1);
        assertThat(node.namespace("counter.FRAGILE").metrics().exceptions()).isEqualTo(1);
    }

    @Test
    void aChatRoomBroadcastsHibernatesAndWakesWithItsTagsAndAttachments() throws Exception {
        start();
        WsClient ada = WsClient.connect(edge.ws("/chat/lobby?name=ada"));
        assertThat(ada.next()).isEqualTo("text:* ada joined");
        WsClient bob = WsClient.connect(edge.ws("/chat/lobby?name=bob"));
        assertThat(bob.next()).isEqualTo("text:* bob joined");
        assertThat(ada.next()).isEqualTo("text:* bob joined");
        ada.socket.sendText("hello", true).join();
        assertThat(ada.next()).isEqualTo("text:ada: hello");
        assertThat(bob.next()).isEqualTo("text:ada: hello");

        LiveObjects rooms = node.namespace("rooms.ROOMS");
        await(() -> rooms.metrics().evictions() >= 1 && rooms.metrics().hibernatedWebSockets() == 2, "the room evicted, its sockets open");
        long wakeUps = rooms.metrics().wakeUps();
        bob.socket.sendText("still here?", true).join();
        assertThat(ada.next()).as("the name came back from bob's attachment").isEqualTo("text:bob: still here?");
        assertThat(bob.next()).isEqualTo("text:bob: still here?");
        assertThat(rooms.metrics().wakeUps()).isGreaterThan(wakeUps);

        WsClient cy = WsClient.connect(edge.ws("/chat/lobby?name=cy"));
        assertThat(cy.next()).as("the history replayed").isEqualTo("text:ada: hello");
        assertThat(cy.next()).isEqualTo("text:bob: still here?");
        assertThat(cy.next()).isEqualTo("text:* cy joined");
        ada.socket.sendClose(1000, "bye").join();
        assertThat(bob.next()).isEqualTo("text:* cy joined");
        assertThat(bob.next()).isEqualTo("text:* ada left");
        assertThat(get("/chat/lobby").body()).contains("\"members\":2");
    }

    @Test
    void aHibernatingEchoObjectEchoesAcrossEvictionsAndAutoResponds() throws Exception {
        start();
        WsClient client = WsClient.connect(edge.ws("/echo/mine"));
        client.socket.sendText("one", true).join();
        assertThat(client.next()).isEqualTo("text:one");
        LiveObjects echo = node.namespace("rooms.ECHO");
        await(() -> echo.metrics().evictions() >= 1 && echo.metrics().hibernatedWebSockets() == 1, "evicted, its socket open");
        long constructions = echo.metrics().constructions();
        client.socket.sendText("ping", true).join();
        assertThat(client.next()).isEqualTo("text:pong");
        assertThat(echo.metrics().constructions()).as("the edge answered without waking it").isEqualTo(constructions);
        client.socket.sendText("two", true).join();
        assertThat(client.next()).isEqualTo("text:two");
        assertThat(echo.metrics().constructions()).isEqualTo(constructions + 1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return node.get(path);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(20);
        }
    }
}
